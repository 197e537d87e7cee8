import { expect } from 'chai';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aliasFor } from '../../src/trust/fingerprint.js';
import { readJks, readPkcs12, writeJks, writePkcs12 } from '../../src/pki/index.js';
import { runCli } from '../support/cli.js';
import { makeCa } from '../support/certs.js';

const PW = 'Enrolment-Secret-9x';

// The CLI runs on the real clock: certificates here are made relative to now.
describe('cli: truststore --merge', function () {
  this.timeout(60_000);
  const now = new Date();
  const enrol = makeCa({ subject: 'CN=nifi-ca, OU=NIFI', now });
  const ca1 = makeCa({ subject: 'CN=bundle-1', now });
  const ca2 = makeCa({ subject: 'CN=bundle-2', now, key: 'rsa' });
  const expired = makeCa({ subject: 'CN=expired', now, days: -2 });
  let dir: string;
  let n = 0;

  /** A fresh certs/ directory as tls-toolkit client leaves it: truststore.jks (nifi-cert) and config.json. */
  async function enrolled(opts: { type?: 'jks' | 'pkcs12'; mode?: number } = {}): Promise<{ certs: string; store: string; config: string }> {
    const certs = join(dir, `certs-${++n}`);
    await mkdir(certs);
    const type = opts.type ?? 'jks';
    const store = join(certs, type === 'jks' ? 'truststore.jks' : 'truststore.p12');
    const bytes =
      type === 'jks'
        ? writeJks([{ kind: 'trusted', alias: 'nifi-cert', der: enrol.cert }], { password: PW, date: now })
        : writePkcs12([{ alias: 'nifi-cert', der: enrol.cert }], { password: PW, salt: Buffer.alloc(20, 4) });
    await writeFile(store, bytes, { mode: opts.mode ?? 0o644 });
    await chmod(store, opts.mode ?? 0o644);
    const config = join(certs, 'config.json');
    await writeFile(config, JSON.stringify({ keyStorePassword: 'ks-other', keyPassword: 'k-other', trustStorePassword: PW, caHostname: 'nifi-ca' }, null, 2));
    return { certs, store, config };
  }
  const mergeArgs = (store: string, config: string, type = 'jks', bundle = join(dir, 'bundle.pem')) => [
    'truststore', '--merge', '--bundle', bundle, '--out', store, '--type', type, '--password-file', config, '--password-json-key', 'trustStorePassword',
  ];
  const trusted = (bytes: Buffer) => readJks(bytes, PW).map((e) => e.alias).sort();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ncg-merge-'));
    await writeFile(join(dir, 'bundle.pem'), `# shared bundle\n${ca1.pem}${ca2.pem}`);
    await writeFile(join(dir, 'one.pem'), ca2.pem);
    await writeFile(join(dir, 'with-expired.pem'), ca1.pem + expired.pem);
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('the init-container command: merges into the toolkit truststore with the config.json password, then is a no-op', async () => {
    const { certs, store, config } = await enrolled();
    const r = await runCli(mergeArgs(store, config));
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.equal('');
    const want = [aliasFor(ca1.cert), aliasFor(ca2.cert), 'nifi-cert'].sort();
    expect(r.stdout).to.equal(`merged 2 bundle CA(s) into ${store} (jks): 3 trusted: ${want.join(', ')}\n`);
    const first = await readFile(store);
    expect(trusted(first)).to.deep.equal(want);
    const ino = (await stat(store)).ino;

    const again = await runCli(mergeArgs(store, config));
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.equal(`${store} already trusts every bundle CA (2); unchanged\n`);
    expect((await readFile(store)).equals(first), 'byte-identical').to.equal(true);
    expect((await stat(store)).ino, 'not even replaced').to.equal(ino);
    expect((await readdir(certs)).sort()).to.deep.equal(['config.json', 'truststore.jks']);
    expect(r.stdout + r.stderr + again.stdout + again.stderr).not.to.include(PW);
  });

  for (const mode of [0o600, 0o640, 0o644]) {
    it(`keeps the store's mode ${mode.toString(8)} and owner`, async () => {
      const { store, config } = await enrolled({ mode });
      // As root, give the store another owner, as the toolkit's uid would be; otherwise it is ours.
      if (process.getuid?.() === 0) await chown(store, 4321, 4322);
      const before = await stat(store);
      const r = await runCli(mergeArgs(store, config));
      expect(r.code, r.stderr).to.equal(0);
      const after = await stat(store);
      expect(after.ino, 'replaced').not.to.equal(before.ino);
      expect(after.mode & 0o777).to.equal(mode);
      expect([after.uid, after.gid]).to.deep.equal([before.uid, before.gid]);
    });
  }

  it('drops what it added once the CA leaves the bundle, never nifi-cert; says so', async () => {
    const { store, config } = await enrolled();
    expect((await runCli(mergeArgs(store, config))).code).to.equal(0);
    const r = await runCli(mergeArgs(store, config, 'jks', join(dir, 'one.pem')));
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal(
      `merged 0 bundle CA(s) into ${store} (jks): 2 trusted: ${[aliasFor(ca2.cert), 'nifi-cert'].sort().join(', ')}\n` +
        `removed 1 CA(s) no longer in the bundle: ${aliasFor(ca1.cert)}\n`,
    );
    expect(trusted(await readFile(store))).to.deep.equal([aliasFor(ca2.cert), 'nifi-cert'].sort());
  });

  it('pkcs12 with --password-env and --mac sha256; bundle warnings on stderr; -q prints nothing', async () => {
    const { store } = await enrolled({ type: 'pkcs12' });
    const env = { TRUSTSTORE_PASSWORD: PW };
    const args = ['truststore', '--merge', '--bundle', join(dir, 'with-expired.pem'), '--out', store, '--type', 'pkcs12', '--password-env', 'TRUSTSTORE_PASSWORD', '--mac', 'sha256'];
    const r = await runCli(args, { env });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^merged 1 bundle CA\(s\) into .*truststore\.p12 \(pkcs12\): 2 trusted: /);
    expect(r.stderr).to.match(/^nifi-ca-guard: warning: skipped ca-[0-9a-f]{16} \(CN=expired\): expired/);
    expect(r.stderr).not.to.include('BEGIN');
    expect(readPkcs12(await readFile(store), PW).entries.map((e) => e.alias).sort()).to.deep.equal([aliasFor(ca1.cert), 'nifi-cert'].sort());
    const q = await runCli([...args, '-q'], { env });
    expect(q.code, q.stderr).to.equal(0);
    expect(q.stdout).to.equal('');
  });

  it('pem: appends the bundle CAs; no password needed', async () => {
    const store = join(dir, 'trust.pem');
    await writeFile(store, enrol.pem);
    const r = await runCli(['truststore', '--merge', '--bundle', join(dir, 'bundle.pem'), '--out', store, '--type', 'pem']);
    expect(r.code, r.stderr).to.equal(0);
    expect(await readFile(store, 'utf8')).to.equal(enrol.pem + [ca1, ca2].sort((x, y) => (aliasFor(x.cert) < aliasFor(y.cert) ? -1 : 1)).map((c) => c.pem).join(''));
  });

  // Every refusal: exit 1, one line, no stack trace, no secret, the store untouched and no temp file left.
  const refusals: { name: string; setup: (s: { store: string; config: string; certs: string }) => Promise<string[]>; message: RegExp; env?: Record<string, string> }[] = [
    {
      name: 'the store does not exist',
      setup: async ({ certs, config }) => mergeArgs(join(certs, 'missing.jks'), config),
      message: /missing\.jks does not exist: the enrolment step did not write it$/,
    },
    { name: 'the store is a directory', setup: async ({ certs, config }) => mergeArgs(certs, config), message: /is a directory, not a truststore$/ },
    {
      name: 'config.json is not JSON',
      setup: async ({ store, config }) => (await writeFile(config, `{"trustStorePassword": "${PW}"`), mergeArgs(store, config)),
      message: /password file .*config\.json is not valid JSON$/,
    },
    {
      name: 'config.json is a JSON array',
      setup: async ({ store, config }) => (await writeFile(config, `["${PW}"]`), mergeArgs(store, config)),
      message: /config\.json is not a JSON object$/,
    },
    {
      name: 'the key is missing',
      setup: async ({ store, config }) => (await writeFile(config, JSON.stringify({ keyStorePassword: PW })), mergeArgs(store, config)),
      message: /config\.json has no key "trustStorePassword"$/,
    },
    {
      name: 'the key is not a string',
      setup: async ({ store, config }) => (await writeFile(config, JSON.stringify({ trustStorePassword: 12345678 })), mergeArgs(store, config)),
      message: /config\.json: key "trustStorePassword" is not a non-empty string$/,
    },
    {
      name: 'the key is an empty string',
      setup: async ({ store, config }) => (await writeFile(config, JSON.stringify({ trustStorePassword: '' })), mergeArgs(store, config)),
      message: /key "trustStorePassword" is not a non-empty string$/,
    },
    {
      name: '--password-json-key without --password-file',
      setup: async ({ store }) => ['truststore', '--merge', '--bundle', join(dir, 'bundle.pem'), '--out', store, '--type', 'jks', '--password-env', 'TRUSTSTORE_PASSWORD', '--password-json-key', 'trustStorePassword'],
      env: { TRUSTSTORE_PASSWORD: PW },
      message: /--password-json-key needs --password-file$/,
    },
    {
      name: 'the wrong password (another key of config.json)',
      setup: async ({ store, config }) => mergeArgs(store, config).map((a) => (a === 'trustStorePassword' ? 'keyStorePassword' : a)),
      message: /truststore\.jks: JKS integrity check failed: wrong password or corrupted store$/,
    },
    { name: '--type pkcs12 for a jks store', setup: async ({ store, config }) => mergeArgs(store, config, 'pkcs12'), message: /truststore\.jks: is a jks store, not pkcs12$/ },
    {
      name: 'a pkcs12 keystore (a private key entry)',
      setup: async ({ store, config }) => {
        await writeFile(store, writePkcs12([], { password: PW, salt: Buffer.alloc(20) }, { alias: 'nifi-key', encryptedPkcs8: Buffer.from('3003020100', 'hex'), chain: [enrol.cert] }));
        return mergeArgs(store, config, 'pkcs12');
      },
      message: /holds a private key entry \(nifi-key\): only truststores can be merged$/,
    },
    { name: 'an empty store file', setup: async ({ store, config }) => (await writeFile(store, ''), mergeArgs(store, config)), message: /truststore\.jks: is empty$/ },
    {
      name: 'no password at all',
      setup: async ({ store }) => ['truststore', '--merge', '--bundle', join(dir, 'bundle.pem'), '--out', store, '--type', 'jks'],
      message: /a jks truststore needs --password-file or --password-env$/,
    },
  ];
  for (const c of refusals) {
    it(`refuses with one line and exit 1: ${c.name}`, async () => {
      const s = await enrolled();
      const args = await c.setup(s);
      const before = await readFile(s.store);
      const r = await runCli(args, { env: c.env });
      expect(r.code, r.stdout + r.stderr).to.equal(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).to.have.length(1);
      expect(lines[0]).to.match(/^nifi-ca-guard: /);
      expect(lines[0]).to.match(c.message);
      expect(r.stderr).not.to.match(/\bat .*\.js:\d+/);
      expect(r.stdout).to.equal('');
      expect(r.stdout + r.stderr).not.to.include(PW);
      expect((await readFile(s.store)).equals(before)).to.equal(true);
      expect((await readdir(s.certs)).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
    });
  }
});
