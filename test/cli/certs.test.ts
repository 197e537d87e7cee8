import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

const openssl = (...args: string[]): string => execFileSync('openssl', args, { encoding: 'utf8' });

describe('cli: nifi-ca-guard certs', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'certs-cli-'));
  });

  it('creates DIR and writes ca.crt, ca.key (0600), tls.crt and tls.key (0600) with the in-cluster names', async () => {
    const out = join(root, 'nested', 'certs');
    const res = await runCli(['certs', '--out', out]);
    expect(res.code, res.stderr).to.equal(0);
    expect(res.stdout).to.include('CA SHA-256 fingerprint:');
    expect(readdirSync(out).sort()).to.deep.equal(['ca.crt', 'ca.key', 'tls.crt', 'tls.key']); // no temporary files left
    expect(statSync(join(out, 'tls.key')).mode & 0o777).to.equal(0o600);
    expect(statSync(join(out, 'ca.key')).mode & 0o777).to.equal(0o600);
    expect(statSync(join(out, 'ca.crt')).mode & 0o777).to.equal(0o644);

    const text = openssl('x509', '-in', join(out, 'tls.crt'), '-noout', '-text');
    expect(text).to.match(/Signature Algorithm: sha256WithRSAEncryption/);
    expect(text).to.match(/Public-Key: \(2048 bit\)/);
    expect(text).to.match(/TLS Web Server Authentication/);
    for (const san of ['DNS:nifi-ca-guard,', 'DNS:nifi-ca-guard.nifi-ca-guard,', 'DNS:nifi-ca-guard.nifi-ca-guard.svc,', 'DNS:localhost', 'IP Address:127.0.0.1']) {
      expect(text).to.include(san);
    }
    const caText = openssl('x509', '-in', join(out, 'ca.crt'), '-noout', '-text');
    expect(caText).to.match(/Signature Algorithm: sha256WithRSAEncryption/);
    expect(caText).to.match(/CA:TRUE/);
    expect(openssl('verify', '-CAfile', join(out, 'ca.crt'), join(out, 'tls.crt'))).to.match(/: OK/);
    const cert = new X509Certificate(readFileSync(join(out, 'tls.crt')));
    expect(cert.checkPrivateKey(createPrivateKey(readFileSync(join(out, 'tls.key'))))).to.equal(true);
  });

  it('writes PEM files that end in a newline, so `cat ca.crt other.crt` is a bundle truststore reads', async () => {
    const out = join(root, 'certs');
    expect((await runCli(['certs', '--out', out])).code).to.equal(0);
    for (const f of ['ca.crt', 'ca.key', 'tls.crt', 'tls.key']) {
      const text = readFileSync(join(out, f), 'utf8');
      expect(text.endsWith('\n'), f).to.equal(true);
      expect(text, f).not.to.include('\r');
    }
    const other = join(root, 'other');
    expect((await runCli(['certs', '--out', other])).code).to.equal(0);
    const bundle = join(root, 'bundle.pem');
    writeFileSync(bundle, readFileSync(join(out, 'ca.crt'), 'utf8') + readFileSync(join(other, 'ca.crt'), 'utf8'));
    const pw = join(root, 'pw');
    writeFileSync(pw, 'changeit\n');
    const res = await runCli(['truststore', '--bundle', bundle, '--out', join(root, 'ts.p12'), '--password-file', pw]);
    expect(res.code, res.stderr).to.equal(0);
    expect(res.stdout).to.include('2 trusted CA certificate(s)');
  });

  it('uses --dns names instead of the defaults and --days for validity', async () => {
    const res = await runCli(['certs', '--out', root, '--dns', 'hook.example.com', 'hook.test.svc', '--days', '30']);
    expect(res.code, res.stderr).to.equal(0);
    const cert = new X509Certificate(readFileSync(join(root, 'tls.crt')));
    expect(cert.subjectAltName).to.equal('DNS:hook.example.com, DNS:hook.test.svc, DNS:localhost, IP Address:127.0.0.1');
    const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000;
    expect(Math.round(days * 24)).to.equal(30 * 24 + 1); // 30 days plus the one-hour backdate
  });

  it('gives the CA ten years and the serving certificate one', async () => {
    const res = await runCli(['certs', '--out', root]);
    expect(res.code, res.stderr).to.equal(0);
    const years = (f: string) => {
      const c = new X509Certificate(readFileSync(join(root, f)));
      return Math.round((Date.parse(c.validTo) - Date.now()) / (365 * 86_400_000));
    };
    expect(years('ca.crt')).to.equal(10);
    expect(years('tls.crt')).to.equal(1);
  });

  it('renews the serving certificate from the CA already in DIR: the caBundle stays valid', async () => {
    expect((await runCli(['certs', '--out', root])).code).to.equal(0);
    const ca = readFileSync(join(root, 'ca.crt'), 'utf8');
    const caKey = readFileSync(join(root, 'ca.key'), 'utf8');
    const firstLeaf = readFileSync(join(root, 'tls.crt'), 'utf8');
    const res = await runCli(['certs', '--out', root, '--days', '7']);
    expect(res.code, res.stderr).to.equal(0);
    expect(res.stdout).to.include(`kept the CA in ${root}`);
    expect(readFileSync(join(root, 'ca.crt'), 'utf8')).to.equal(ca);
    expect(readFileSync(join(root, 'ca.key'), 'utf8')).to.equal(caKey);
    expect(readFileSync(join(root, 'tls.crt'), 'utf8')).to.not.equal(firstLeaf);
    expect(openssl('verify', '-CAfile', join(root, 'ca.crt'), join(root, 'tls.crt'))).to.match(/: OK/);
    const leaf = new X509Certificate(readFileSync(join(root, 'tls.crt')));
    expect(leaf.checkPrivateKey(createPrivateKey(readFileSync(join(root, 'tls.key'))))).to.equal(true);
  });

  it('--new-ca replaces the CA, and the serving certificate chains to the new one only', async () => {
    expect((await runCli(['certs', '--out', root])).code).to.equal(0);
    const old = readFileSync(join(root, 'ca.crt'), 'utf8');
    writeFileSync(join(root, 'old-ca.crt'), old);
    const res = await runCli(['certs', '--out', root, '--new-ca', '--ca-days', '30']);
    expect(res.code, res.stderr).to.equal(0);
    expect(res.stdout).to.include('new CA, valid until');
    expect(readFileSync(join(root, 'ca.crt'), 'utf8')).to.not.equal(old);
    expect(openssl('verify', '-CAfile', join(root, 'ca.crt'), join(root, 'tls.crt'))).to.match(/: OK/);
    expect(() => execFileSync('openssl', ['verify', '-CAfile', join(root, 'old-ca.crt'), join(root, 'tls.crt')], { stdio: 'pipe' })).to.throw();
    // A CA of 30 days caps a serving certificate asked for a year, and says so.
    expect(res.stdout).to.include('note: the serving certificate ends with its CA');
    const leaf = new X509Certificate(readFileSync(join(root, 'tls.crt')));
    const ca = new X509Certificate(readFileSync(join(root, 'ca.crt')));
    expect(Date.parse(leaf.validTo)).to.be.at.most(Date.parse(ca.validTo));
  });

  it('refuses to sign with a CA it cannot use, in one line naming --new-ca', async () => {
    const { issueCa } = await import('../../src/tls/issue.js');
    const cases: Array<{ name: string; files: Record<string, string>; line: RegExp }> = [
      { name: 'ca.crt without ca.key (an older certs)', files: { 'ca.crt': issueCa(new Date(), { commonName: 'x', validityMs: 86_400_000 }).cert }, line: /ca\.crt has no ca\.key beside it.*--new-ca/ },
      { name: 'a key of another CA', files: { 'ca.crt': issueCa(new Date(), { commonName: 'x', validityMs: 86_400_000 }).cert, 'ca.key': issueCa(new Date(), { commonName: 'y', validityMs: 86_400_000 }).key }, line: /not a CA certificate and its key; run with --new-ca/ },
      { name: 'an expired CA', files: (() => { const c = issueCa(new Date(Date.now() - 10 * 86_400_000), { commonName: 'x', validityMs: 86_400_000 }); return { 'ca.crt': c.cert, 'ca.key': c.key }; })(), line: /the CA expired on .*--new-ca/ },
    ];
    for (const c of cases) {
      const dir = join(root, c.name.replace(/\W+/g, '-'));
      mkdirSync(dir);
      for (const [f, text] of Object.entries(c.files)) writeFileSync(join(dir, f), text);
      const res = await runCli(['certs', '--out', dir]);
      expect(res.code, c.name).to.equal(1);
      expect(res.stderr.trim().split('\n'), c.name).to.have.length(1);
      expect(res.stderr, c.name).to.match(c.line);
      expect(readdirSync(dir).sort(), `${c.name}: nothing written`).to.deep.equal(Object.keys(c.files).sort());
    }
  });

  it('refuses an ECDSA CA in DIR (development certificates are RSA) in one line naming --new-ca, writing nothing', async () => {
    const { makeCa } = await import('../support/certs.js');
    const ca = makeCa({ subject: 'CN=ec-dev-ca', now: new Date(), key: 'ecdsa' });
    writeFileSync(join(root, 'ca.crt'), ca.pem);
    writeFileSync(join(root, 'ca.key'), ca.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const res = await runCli(['certs', '--out', root]);
    expect(res.code).to.equal(1);
    expect(res.stderr.trim().split('\n')).to.have.length(1);
    expect(res.stderr).to.match(/cannot sign an RSA serving certificate; run with --new-ca/);
    expect(readdirSync(root).sort()).to.deep.equal(['ca.crt', 'ca.key']);
  });

  it('replaces existing files and tightens an existing key file mode', async () => {
    writeFileSync(join(root, 'tls.key'), 'old', { mode: 0o644 });
    const res = await runCli(['certs', '--out', root]);
    expect(res.code, res.stderr).to.equal(0);
    expect(readFileSync(join(root, 'tls.key'), 'utf8')).to.match(/BEGIN PRIVATE KEY/);
    expect(statSync(join(root, 'tls.key')).mode & 0o777).to.equal(0o600);
  });

  const errors = [
    { name: 'days zero', args: ['--days', '0'], error: /--days: must be an integer from 1 to 3650/ },
    { name: 'days not a number', args: ['--days', 'ten'], error: /--days/ },
    { name: 'ca-days too many', args: ['--ca-days', '99999'], error: /--ca-days: must be an integer from 1 to 3650/ },
    { name: 'a bad DNS name', args: ['--dns', 'under_score.example'], error: /--dns: not a valid DNS name: under_score.example/ },
  ];
  for (const c of errors) {
    it(`exits 1 with one line for ${c.name}`, async () => {
      const res = await runCli(['certs', '--out', root, ...c.args]);
      expect(res.code).to.equal(1);
      expect(res.stderr).to.match(c.error);
      expect(res.stderr.trim().split('\n')).to.have.length(1);
      expect(res.stderr).to.not.match(/\bat .*\.js:\d+/);
    });
  }

  it('exits 1 with one line when DIR cannot be created', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, '');
    const res = await runCli(['certs', '--out', join(file, 'sub')]);
    expect(res.code).to.equal(1);
    expect(res.stderr.trim()).to.match(/^nifi-ca-guard: --out .*\/sub: .*\/a-file exists and is not a directory; choose another directory$/);
  });

  it('a failed write leaves no temporary file behind (no stray copy of the private key)', async () => {
    mkdirSync(join(root, 'tls.key')); // rename onto a directory fails
    const res = await runCli(['certs', '--out', root]);
    expect(res.code).to.equal(1);
    expect(res.stderr.trim()).to.match(/^nifi-ca-guard: --out .*: cannot write \(EISDIR\)$/);
    expect(readdirSync(root).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
  });

  it('requires --out (usage error, exit 2)', async () => {
    const res = await runCli(['certs']);
    expect(res.code).to.equal(2);
    expect(res.stderr).to.include("required option '--out <dir>' not specified");
  });
});
