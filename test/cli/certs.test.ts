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

  it('creates DIR and writes ca.crt, tls.crt and tls.key (0600) with the in-cluster names', async () => {
    const out = join(root, 'nested', 'certs');
    const res = await runCli(['certs', '--out', out]);
    expect(res.code, res.stderr).to.equal(0);
    expect(res.stdout).to.include('CA SHA-256 fingerprint:');
    expect(readdirSync(out).sort()).to.deep.equal(['ca.crt', 'tls.crt', 'tls.key']); // no temporary files left
    expect(statSync(join(out, 'tls.key')).mode & 0o777).to.equal(0o600);
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

  it('uses --dns names instead of the defaults and --days for validity', async () => {
    const res = await runCli(['certs', '--out', root, '--dns', 'hook.example.com', 'hook.test.svc', '--days', '30']);
    expect(res.code, res.stderr).to.equal(0);
    const cert = new X509Certificate(readFileSync(join(root, 'tls.crt')));
    expect(cert.subjectAltName).to.equal('DNS:hook.example.com, DNS:hook.test.svc, DNS:localhost, IP Address:127.0.0.1');
    const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000;
    expect(Math.round(days * 24)).to.equal(30 * 24 + 1); // 30 days plus the one-hour backdate
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
    expect(res.stderr.trim()).to.match(/^nifi-ca-guard: --out .*: cannot write \(ENOTDIR\)$/);
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
