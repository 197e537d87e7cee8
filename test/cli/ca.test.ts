import { expect } from 'chai';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { makeCa } from '../support/certs.js';
import { runCli } from '../support/cli.js';

interface Row {
  source: string;
  alias: string;
  kind: string;
  subject: string;
  serial: string;
  sha256: string;
  md5: string;
  notAfter: string;
}

describe('cli: ca init / inspect / rotate / prune / restore', function () {
  this.timeout(120_000);
  let dir: string;
  const env = { NIFI_CA_TOKEN: 'a-toolkit-token-0123' };
  const inspect = async (file: string): Promise<Row[]> => {
    const r = await runCli(['ca', 'inspect', file, '--json']);
    expect(r.code, r.stderr).to.equal(0);
    return JSON.parse(r.stdout) as Row[];
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ncg-ca-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('init writes the private Secret (0600) and the trust bundle Secret', async () => {
    const r = await runCli(['ca', 'init', '--dir', join(dir, 'm'), '-n', 'nifi', '--token-env', 'NIFI_CA_TOKEN', '--subject', 'CN=nifi-ca, OU=NIFI, O=Test'], { env });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/CA CN=nifi-ca, OU=NIFI, O=Test serial [0-9a-f]+ SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    expect((await readdir(join(dir, 'm'))).sort()).to.deep.equal(['nifi-ca-keystore.yaml', 'nifi-ca-trust.yaml']);
    expect((await stat(join(dir, 'm', 'nifi-ca-keystore.yaml'))).mode & 0o777).to.equal(0o600);
    const priv = parse(await readFile(join(dir, 'm', 'nifi-ca-keystore.yaml'), 'utf8'));
    expect(priv.metadata.namespace).to.equal('nifi');
    expect(Object.keys(priv.data).sort()).to.deep.equal(['config.json', 'nifi-ca-keystore.jks']);
    const cfg = JSON.parse(Buffer.from(priv.data['config.json'], 'base64').toString());
    expect(cfg.token).to.equal(env.NIFI_CA_TOKEN);
    expect(cfg.keyStore).to.equal('nifi-ca-keystore.jks');
    // nothing secret on the terminal
    expect(r.stdout + r.stderr).not.to.include(cfg.keyStorePassword);
    expect(r.stdout + r.stderr).not.to.include(env.NIFI_CA_TOKEN);
  });

  it('inspect: the keystore inside the private Secret and the bundle show the same CA', async () => {
    const priv = await inspect(join(dir, 'm', 'nifi-ca-keystore.yaml'));
    const trust = await inspect(join(dir, 'm', 'nifi-ca-trust.yaml'));
    expect(priv).to.have.length(1);
    expect(priv[0]!.alias).to.equal('nifi-key');
    expect(priv[0]!.kind).to.equal('key');
    expect(trust.map((t) => t.sha256)).to.deep.equal([priv[0]!.sha256]);
    expect(trust[0]!.md5).to.match(/^([0-9A-F]{2}:){15}[0-9A-F]{2}$/);
  });

  it('init refuses to replace an existing CA without --force', async () => {
    const r = await runCli(['ca', 'init', '--dir', join(dir, 'm'), '--token-env', 'NIFI_CA_TOKEN'], { env });
    expect(r.code).to.equal(1);
    expect(r.stderr.trim()).to.match(/^nifi-ca-guard: Secret nifi-ca-keystore already exists in .*; use ca rotate, or --force/);
  });

  it('rotate appends the new CA to the bundle and puts it in the keystore', async () => {
    const before = await inspect(join(dir, 'm', 'nifi-ca-trust.yaml'));
    const r = await runCli(['ca', 'rotate', '--dir', join(dir, 'm'), '--key-type', 'ecdsa']);
    expect(r.code, r.stderr).to.equal(0);
    const trust = await inspect(join(dir, 'm', 'nifi-ca-trust.yaml'));
    const priv = await inspect(join(dir, 'm', 'nifi-ca-keystore.yaml'));
    expect(trust).to.have.length(2);
    expect(trust[0]!.sha256).to.equal(before[0]!.sha256);
    expect(trust[1]!.sha256).to.equal(priv[0]!.sha256);
    // the subject carried over, its CN numbered: the two generations are told apart
    expect(trust[0]!.subject).to.equal('CN=nifi-ca, OU=NIFI, O=Test');
    expect(priv[0]!.subject).to.equal('CN=nifi-ca #2, OU=NIFI, O=Test');
  });

  it('prune keeps everything while nothing has expired', async () => {
    const r = await runCli(['ca', 'prune', '--dir', join(dir, 'm')]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/nothing to prune: 2 certificate/);
  });

  it('prune drops an expired CA from the bundle, and only that', async () => {
    const path = join(dir, 'm', 'nifi-ca-trust.yaml');
    const trust = parse(await readFile(path, 'utf8'));
    const before = Buffer.from(trust.data['ca.crt'], 'base64').toString();
    const expired = makeCa({ subject: 'CN=retired', now: new Date(), days: -1 });
    trust.data['ca.crt'] = Buffer.from(before + expired.pem).toString('base64');
    await writeFile(path, stringify(trust));
    const r = await runCli(['ca', 'prune', '--dir', join(dir, 'm')]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^dropped CN=retired serial [0-9a-f]+ SHA-256 .* \(expired /);
    expect(r.stdout).to.match(/now holds 2 certificate/);
    const after = parse(await readFile(path, 'utf8'));
    expect(Buffer.from(after.data['ca.crt'], 'base64').toString()).to.equal(before);
  });

  it("restore copies the keystore and config.json into the toolkit's working directory", async () => {
    const priv = parse(await readFile(join(dir, 'm', 'nifi-ca-keystore.yaml'), 'utf8'));
    const from = join(dir, 'secret');
    const to = join(dir, 'workdir');
    await mkdir(from);
    await mkdir(to);
    for (const [k, v] of Object.entries(priv.data as Record<string, string>)) await writeFile(join(from, k), Buffer.from(v, 'base64'));
    const r = await runCli(['ca', 'restore', '--from', from, '--to', to]);
    expect(r.code, r.stderr).to.equal(0);
    expect((await readdir(to)).sort()).to.deep.equal(['config.json', 'nifi-ca-keystore.jks']);
    expect((await stat(join(to, 'config.json'))).mode & 0o777).to.equal(0o600);
    expect((await readFile(join(to, 'nifi-ca-keystore.jks'))).equals(await readFile(join(from, 'nifi-ca-keystore.jks')))).to.equal(true);
  });

  it("adopt pins a running nifi-ca's CA as is, appending it to an existing bundle", async () => {
    // `secret` holds config.json + keystore as the toolkit would leave them in its working directory
    const fresh = await runCli(['ca', 'adopt', '--from', join(dir, 'secret'), '--dir', join(dir, 'adopted')]);
    expect(fresh.code, fresh.stderr).to.equal(0);
    const keystore = await inspect(join(dir, 'adopted', 'nifi-ca-keystore.yaml'));
    const bundle = await inspect(join(dir, 'adopted', 'nifi-ca-trust.yaml'));
    expect(bundle.map((b) => b.sha256)).to.deep.equal([keystore[0]!.sha256]);
    const priv = parse(await readFile(join(dir, 'adopted', 'nifi-ca-keystore.yaml'), 'utf8'));
    expect(Buffer.from(priv.data['nifi-ca-keystore.jks'], 'base64').equals(await readFile(join(dir, 'secret', 'nifi-ca-keystore.jks')))).to.equal(true);
    // into the first directory, which pins these very files: a re-run, nothing to do
    const again = await runCli(['ca', 'adopt', '--from', join(dir, 'secret'), '--dir', join(dir, 'm')]);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.match(/^already pinned: CA /);
    expect(await inspect(join(dir, 'm', 'nifi-ca-trust.yaml'))).to.have.length(2);
    // once it pins another CA, adopting replaces it only with --force; the bundle holds each CA once
    expect((await runCli(['ca', 'rotate', '--dir', join(dir, 'm'), '--key-type', 'ecdsa'])).code).to.equal(0);
    const refused = await runCli(['ca', 'adopt', '--from', join(dir, 'secret'), '--dir', join(dir, 'm')]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.match(/already exists .*--force/);
    const forced = await runCli(['ca', 'adopt', '--from', join(dir, 'secret'), '--dir', join(dir, 'm'), '--force']);
    expect(forced.code, forced.stderr).to.equal(0);
    expect(await inspect(join(dir, 'm', 'nifi-ca-trust.yaml'))).to.have.length(3);
  });

  const refusals: [string, string[], RegExp][] = [
    ['rotate with no target', ['ca', 'rotate'], /give --dir DIR .* or --apply/],
    ['rotate before init', ['ca', 'rotate', '--dir', '/nonexistent-ncg'], /Secret nifi-ca-keystore not found in \/nonexistent-ncg; run ca init first/],
    ['init with a bad subject', ['ca', 'init', '--dir', '/tmp/ncg-never', '--subject', 'nifi-ca'], /--subject: bad distinguished name/],
    ['init with a short key', ['ca', 'init', '--dir', '/tmp/ncg-never', '--key-size', '1024'], /at least 2048/],
    ['init with a bad lifetime', ['ca', 'init', '--dir', '/tmp/ncg-never', '--days', '-3'], /--days must be a positive integer/],
    ['init with a hexadecimal port', ['ca', 'init', '--dir', '/tmp/ncg-never', '--port', '0x2382'], /--port must be a positive integer, got "0x2382"/],
    ['init with an exponent lifetime', ['ca', 'init', '--dir', '/tmp/ncg-never', '--leaf-days', '1e3'], /--leaf-days must be a positive integer, got "1e3"/],
    ['init with a lifetime past the year 9999', ['ca', 'init', '--dir', '/tmp/ncg-never', '--days', '10000000'], /--days must be at most 36500, got "10000000"/],
    ['inspect a missing file', ['ca', 'inspect', '/nonexistent-ncg.pem'], /cannot read \/nonexistent-ncg\.pem: no such file/],
    ['inspect with nothing', ['ca', 'inspect'], /give a FILE/],
    ['restore from an empty directory', ['ca', 'restore', '--from', '/tmp', '--to', '/tmp'], /cannot read \/tmp\/config\.json/],
  ];
  for (const [name, args, msg] of refusals) {
    it(`refuses with one line: ${name}`, async () => {
      const r = await runCli(args);
      expect(r.code).to.equal(1);
      const lines = r.stderr.trim().split('\n').filter((l) => !l.includes('warning:'));
      expect(lines).to.have.length(1);
      expect(lines[0]).to.match(msg);
    });
  }

  for (const format of [[], ['--json']]) {
    it(`inspect ${format.join(' ') || '(text)'}: a PEM file with no certificate exits 1 with one line`, async () => {
      const file = join(dir, `keyonly${format.length}.pem`);
      await writeFile(file, '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n');
      const r = await runCli(['ca', 'inspect', file, ...format]);
      expect(r.code).to.equal(1);
      expect(r.stdout).to.equal('');
      expect(r.stderr).to.equal('nifi-ca-guard: no certificate found\n');
    });
  }
});
