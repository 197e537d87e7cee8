import { expect } from 'chai';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import forge from 'node-forge';
import { DEFAULT_BACKDATE_MS, issueCertificates, type IssueOptions, type KeyPairPem } from '../../../src/tls/issue.js';
import { rsaKeys } from '../../support/pki.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

describe('tls/issue: development CA and serving certificate', () => {
  let keys: { ca: KeyPairPem; serving: KeyPairPem };
  before(() => {
    keys = { ca: rsaKeys(), serving: rsaKeys() };
  });
  const issue = (o: Partial<IssueOptions> = {}) =>
    issueCertificates(NOW, { dnsNames: ['nifi-ca-guard.nifi-ca-guard.svc'], days: 30, keys, ...o });

  it('signs both certificates with SHA-256 over RSA', () => {
    const out = issue();
    for (const pem of [out.caCert, out.cert]) {
      const cert = forge.pki.certificateFromPem(pem);
      expect(cert.siginfo.algorithmOid).to.equal(forge.pki.oids.sha256WithRSAEncryption);
    }
  });

  it('backdates notBefore by an hour and ends after the given days (pinned clock)', () => {
    const out = issue();
    for (const pem of [out.caCert, out.cert]) {
      const x = new X509Certificate(pem);
      expect(new Date(x.validFrom).getTime()).to.equal(NOW.getTime() - DEFAULT_BACKDATE_MS);
      expect(new Date(x.validTo).getTime()).to.equal(NOW.getTime() + 30 * DAY);
    }
  });

  it('puts the DNS names, localhost and IP 127.0.0.1 in the subjectAltName', () => {
    const x = new X509Certificate(issue({ dnsNames: ['a.example', 'B.example', 'a.example'] }).cert);
    expect(x.subjectAltName).to.equal('DNS:a.example, DNS:b.example, DNS:localhost, IP Address:127.0.0.1');
    expect(x.subject).to.equal('CN=a.example');
  });

  it('makes a CA certificate (CA:true) and a serving certificate (CA:false, serverAuth) it signed', () => {
    const out = issue();
    const ca = new X509Certificate(out.caCert);
    const leaf = new X509Certificate(out.cert);
    expect(ca.ca).to.equal(true);
    expect(leaf.ca).to.equal(false);
    expect(leaf.keyUsage).to.deep.equal([SERVER_AUTH]);
    expect(leaf.checkIssued(ca)).to.equal(true);
    expect(leaf.verify(ca.publicKey)).to.equal(true);
    expect(ca.verify(ca.publicKey)).to.equal(true);
  });

  it('returns the serving key that matches the serving certificate', () => {
    const out = issue();
    expect(new X509Certificate(out.cert).checkPrivateKey(createPrivateKey(out.key))).to.equal(true);
    expect(out.key).to.equal(keys.serving.privateKey);
  });

  it('uses positive serials from the given random source', () => {
    const out = issue({ random: (n) => Buffer.alloc(n, 0xff) });
    const serial = new X509Certificate(out.cert).serialNumber;
    expect(serial).to.equal('7F' + 'FF'.repeat(15));
  });

  it('generates RSA 2048 keys when none are given', () => {
    const out = issueCertificates(NOW, { dnsNames: ['x'], days: 1 });
    const details = new X509Certificate(out.cert).publicKey.asymmetricKeyDetails;
    expect(details?.modulusLength).to.equal(2048);
    expect(out.key).to.match(/^-----BEGIN PRIVATE KEY-----/);
  });

  const invalid: Array<{ name: string; options: Partial<IssueOptions>; error: RegExp }> = [
    { name: 'keys under 2048 bits', options: { keyBits: 1024 }, error: /keyBits/ },
    { name: 'zero days', options: { days: 0 }, error: /days/ },
    { name: 'fractional days', options: { days: 1.5 }, error: /days/ },
  ];
  for (const c of invalid) {
    it(`rejects ${c.name}`, () => {
      expect(() => issue(c.options)).to.throw(c.error);
    });
  }
});
