import { expect } from 'chai';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePem } from '../../src/trust/pem.js';
import { inspectBytes } from '../../src/trust/inspect.js';
import { runCli } from '../support/cli.js';
import { makeCa, makeLeaf } from '../support/certs.js';

// The CLI runs on the real clock: certificates here are made relative to now.
describe('cli: truststore', function () {
  this.timeout(60_000);
  const now = new Date();
  const ca1 = makeCa({ subject: 'CN=ca-1', now });
  const ca2 = makeCa({ subject: 'CN=ca-2', now, key: 'rsa' });
  const expired = makeCa({ subject: 'CN=expired', now, days: -2 });
  const leaf = makeLeaf(ca1, { now });
  let dir: string;
  const env = { TRUSTSTORE_PASSWORD: 'changeit' };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ncg-ts-'));
    await writeFile(join(dir, 'good.pem'), `# two CAs\n\n${ca1.pem}\n${ca2.pem}${ca1.pem}`);
    await writeFile(join(dir, 'mixed.pem'), expired.pem + leaf.pem + ca2.pem);
    await writeFile(join(dir, 'empty.pem'), '# nothing here\n');
    await writeFile(join(dir, 'keyonly.pem'), encodePem('PRIVATE KEY', Buffer.from('300302010a', 'hex')));
    await writeFile(join(dir, 'expired.pem'), expired.pem);
    await writeFile(join(dir, 'leaf.pem'), leaf.pem);
    await writeFile(join(dir, 'pw'), 'changeit\n');
    await writeFile(join(dir, 'emptypw'), '');
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  for (const type of ['pkcs12', 'jks', 'pem'] as const) {
    it(`writes ${type} with every CA once, deterministic aliases`, async () => {
      const out = join(dir, `ok.${type}`);
      const args = ['truststore', '--bundle', join(dir, 'good.pem'), '--out', out, '--type', type];
      const r = await runCli(type === 'pem' ? args : [...args, '--password-env', 'TRUSTSTORE_PASSWORD'], { env });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/2 trusted CA certificate\(s\)/);
      expect(r.stdout).to.match(/1 duplicate/);
      const got = inspectBytes(await readFile(out), type === 'pem' ? undefined : 'changeit');
      expect(got.entries).to.have.length(2);
      if (type !== 'pem') expect(got.entries.every((e) => /^ca-[0-9a-f]{16}$/.test(e.alias))).to.equal(true);
    });
  }

  it('--password-file works like --password-env', async () => {
    const out = join(dir, 'pwfile.p12');
    const r = await runCli(['truststore', '--bundle', join(dir, 'good.pem'), '--out', out, '--password-file', join(dir, 'pw')]);
    expect(r.code, r.stderr).to.equal(0);
    expect(inspectBytes(await readFile(out), 'changeit').entries).to.have.length(2);
  });

  it('skips expired and non-CA certificates among valid ones, with warnings', async () => {
    const r = await runCli(['truststore', '--bundle', join(dir, 'mixed.pem'), '--out', join(dir, 'mixed.jks'), '--type', 'jks', '--password-env', 'TRUSTSTORE_PASSWORD'], { env });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/1 trusted CA/);
    expect(r.stderr).to.match(/warning: skipped .*expired/);
    expect(r.stderr).to.match(/warning: skipped .*not a CA/);
    expect(r.stderr).not.to.include('BEGIN');
  });

  const refusals: { name: string; args: (d: string) => string[]; env?: Record<string, string>; message: RegExp; code?: number }[] = [
    { name: 'missing bundle file', args: (d) => ['--bundle', join(d, 'nope.pem')], message: /cannot read bundle .*nope\.pem: no such file or directory/ },
    { name: 'bundle is a directory', args: (d) => ['--bundle', d], message: /cannot read bundle .*: is a directory/ },
    { name: 'bundle with no certificate', args: (d) => ['--bundle', join(d, 'empty.pem')], message: /holds no certificate/ },
    { name: 'bundle with only a key', args: (d) => ['--bundle', join(d, 'keyonly.pem')], message: /holds no certificate/ },
    { name: 'all expired', args: (d) => ['--bundle', join(d, 'expired.pem')], message: /no usable CA certificate \(1 expired\)/ },
    { name: 'all non-CA', args: (d) => ['--bundle', join(d, 'leaf.pem')], message: /no usable CA certificate \(1 not a CA\)/ },
    { name: 'no password for pkcs12', args: (d) => ['--bundle', join(d, 'good.pem'), '--no-pw'], message: /needs --password-file or --password-env/ },
    { name: 'password env not set', args: (d) => ['--bundle', join(d, 'good.pem'), '--password-env', 'NCG_UNSET_VAR'], message: /NCG_UNSET_VAR is not set/ },
    { name: 'empty password file', args: (d) => ['--bundle', join(d, 'good.pem'), '--password-file', join(d, 'emptypw')], message: /is empty/ },
    { name: 'both password flags', args: (d) => ['--bundle', join(d, 'good.pem'), '--password-file', join(d, 'pw'), '--password-env', 'X'], message: /not both/ },
    { name: 'output directory missing', args: (d) => ['--bundle', join(d, 'good.pem'), '--out', join(d, 'no', 'such', 'x.p12')], message: /cannot write .*no such file or directory/ },
  ];
  for (const c of refusals) {
    it(`refuses with one line and exit 1: ${c.name}`, async () => {
      const target = join(dir, 'existing.p12');
      await writeFile(target, 'previous good store');
      let args = ['truststore', '--out', target, ...c.args(dir)];
      if (!args.includes('--no-pw') && !args.some((a) => a.startsWith('--password'))) args.push('--password-env', 'TRUSTSTORE_PASSWORD');
      args = args.filter((a) => a !== '--no-pw');
      // a later --out wins in commander: the missing-directory case overrides the default target
      const r = await runCli(args, { env });
      expect(r.code).to.equal(1);
      const lines = r.stderr.trim().split('\n').filter((l) => !l.includes('warning:'));
      expect(lines, r.stderr).to.have.length(1);
      expect(lines[0]).to.match(/^nifi-ca-guard: /);
      expect(lines[0]).to.match(c.message);
      expect(r.stderr).not.to.match(/\bat .*\.js:\d+/); // no stack trace
      expect(await readFile(target, 'utf8')).to.equal('previous good store');
    });
  }

  it('a failed write leaves neither a half-written store nor a temp file', async () => {
    // The target is a non-empty directory: the temp file is written, the rename fails (as root too).
    const parent = join(dir, 'atomic');
    await mkdir(join(parent, 'truststore.p12'), { recursive: true });
    await writeFile(join(parent, 'truststore.p12', 'keep'), 'x');
    const r = await runCli(['truststore', '--bundle', join(dir, 'good.pem'), '--out', join(parent, 'truststore.p12'), '--password-env', 'TRUSTSTORE_PASSWORD'], { env });
    expect(r.code).to.equal(1);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(await readdir(parent)).to.deep.equal(['truststore.p12']);
    expect(await readdir(join(parent, 'truststore.p12'))).to.deep.equal(['keep']);
  });

  it('rewrites an existing store in place (rename), leaving no temp files', async () => {
    const out = join(dir, 'again.p12');
    for (let i = 0; i < 2; i++) {
      const r = await runCli(['truststore', '--bundle', join(dir, 'good.pem'), '--out', out, '--password-env', 'TRUSTSTORE_PASSWORD', '-q'], { env });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.equal('');
    }
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
  });

  it('the exact init-container command line works', async () => {
    const out = join(dir, 'truststore.p12');
    const r = await runCli(['truststore', '--bundle', join(dir, 'good.pem'), '--out', out, '--type', 'pkcs12', '--password-env', 'TRUSTSTORE_PASSWORD'], { env });
    expect(r.code, r.stderr).to.equal(0);
  });

  it('an unknown --type is a usage error (exit 2)', async () => {
    const r = await runCli(['truststore', '--bundle', join(dir, 'good.pem'), '--out', join(dir, 'x'), '--type', 'bcfks']);
    expect(r.code).to.equal(2);
  });
});
