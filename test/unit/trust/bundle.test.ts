import { expect } from 'chai';
import { generateKeyPairSync, sign } from 'node:crypto';
import { encodeDn } from '../../../src/pki/dn.js';
import { bitString, integer, oid, seq, time } from '../../support/der.js';
import { BundleError, selectAnchors } from '../../../src/trust/bundle.js';
import { certInfo } from '../../../src/trust/cert.js';
import { encodePem } from '../../../src/trust/pem.js';
import { DAY, makeCa, makeLeaf, NOW } from '../../support/certs.js';

/** An X.509 v1 certificate (no version field, no extensions), self-signed when subject = issuer. */
function v1Cert(subject: string, issuer: string): Buffer {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const alg = seq(oid('1.2.840.10045.4.3.2'));
  const tbs = seq(
    integer(7),
    alg,
    encodeDn(issuer),
    seq(time(new Date(NOW.getTime() - DAY)), time(new Date(NOW.getTime() + 30 * DAY))),
    encodeDn(subject),
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  return seq(tbs, alg, bitString(sign('sha256', tbs, privateKey)));
}

describe('trust/bundle: selectAnchors', function () {
  this.timeout(60_000);
  const ca1 = makeCa({ subject: 'CN=ca-1' });
  const ca2 = makeCa({ subject: 'CN=ca-2', key: 'rsa' });
  const ca3 = makeCa({ subject: 'CN=ca-3' });
  const expired = makeCa({ subject: 'CN=old', days: -1 });
  const future = makeCa({ subject: 'CN=future', now: new Date(NOW.getTime() + 10 * DAY) });
  const leaf = makeLeaf(ca1);
  const key = encodePem('PRIVATE KEY', Buffer.from('300302010a', 'hex'));
  const broken = '-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n';
  const trusted = encodePem('TRUSTED CERTIFICATE', Buffer.concat([ca3.cert, Buffer.from('3000', 'hex')]));

  const ok: { name: string; text: string; subjects: string[]; skipped: number; dups: number; warnings: number }[] = [
    { name: 'one CA', text: ca1.pem, subjects: ['CN=ca-1'], skipped: 0, dups: 0, warnings: 0 },
    { name: 'three CAs', text: ca1.pem + ca2.pem + ca3.pem, subjects: ['CN=ca-1', 'CN=ca-2', 'CN=ca-3'], skipped: 0, dups: 0, warnings: 0 },
    { name: 'duplicates dropped by SHA-256', text: ca1.pem + ca1.pem + '\n' + ca1.pem.replace(/\n/g, '\r\n'), subjects: ['CN=ca-1'], skipped: 0, dups: 2, warnings: 0 },
    { name: 'comments, blank lines and a private key tolerated', text: `# prod bundle\n\n${key}\n${ca1.pem}\n\n`, subjects: ['CN=ca-1'], skipped: 0, dups: 0, warnings: 0 },
    { name: 'expired CA among valid ones is skipped with a warning', text: expired.pem + ca1.pem, subjects: ['CN=ca-1'], skipped: 1, dups: 0, warnings: 1 },
    { name: 'leaf among CAs is skipped with a warning', text: leaf.pem + ca2.pem, subjects: ['CN=ca-2'], skipped: 1, dups: 0, warnings: 1 },
    { name: 'unreadable certificate block is a warning', text: broken + ca1.pem, subjects: ['CN=ca-1'], skipped: 0, dups: 0, warnings: 1 },
    { name: 'OpenSSL TRUSTED CERTIFICATE accepted', text: trusted, subjects: ['CN=ca-3'], skipped: 0, dups: 0, warnings: 0 },
    { name: 'not-yet-valid CA kept with a warning', text: future.pem, subjects: ['CN=future'], skipped: 0, dups: 0, warnings: 1 },
  ];
  for (const c of ok) {
    it(`accepts: ${c.name}`, () => {
      const r = selectAnchors(c.text, NOW);
      expect(r.trusted.map((t) => t.subject).sort()).to.deep.equal(c.subjects);
      expect(r.skipped).to.have.length(c.skipped);
      expect(r.duplicates).to.equal(c.dups);
      expect(r.warnings).to.have.length(c.warnings);
    });
  }

  const refused: { name: string; text: string; code: string; message: RegExp }[] = [
    { name: 'empty file', text: '', code: 'no-certificate', message: /holds no certificate/ },
    { name: 'only a private key', text: key, code: 'no-certificate', message: /holds no certificate/ },
    { name: 'only an unreadable certificate', text: broken, code: 'no-certificate', message: /holds no certificate/ },
    { name: 'plain text', text: 'not a bundle at all', code: 'no-certificate', message: /holds no certificate/ },
    { name: 'all expired', text: expired.pem, code: 'no-usable-ca', message: /no usable CA certificate \(1 expired\)/ },
    { name: 'all non-CA', text: leaf.pem, code: 'no-usable-ca', message: /no usable CA certificate \(1 not a CA\)/ },
    { name: 'expired and non-CA', text: leaf.pem + expired.pem, code: 'no-usable-ca', message: /\(1 expired, 1 not a CA\)/ },
  ];
  for (const c of refused) {
    it(`refuses: ${c.name}`, () => {
      let err: unknown;
      try {
        selectAnchors(c.text, NOW);
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(BundleError);
      expect((err as BundleError).code).to.equal(c.code);
      expect((err as BundleError).message).to.match(c.message);
      expect((err as BundleError).message).not.to.include('\n');
    });
  }

  it('a self-signed v1 root (no extensions) counts as a CA; a v1 leaf does not', () => {
    const root = v1Cert('CN=v1-root', 'CN=v1-root');
    const leafV1 = v1Cert('CN=v1-leaf', 'CN=someone-else');
    const r = selectAnchors(encodePem('CERTIFICATE', root) + encodePem('CERTIFICATE', leafV1) + ca1.pem, NOW);
    expect(r.trusted.map((t) => t.subject).sort()).to.deep.equal(['CN=ca-1', 'CN=v1-root']);
    expect(r.skipped.map((s) => [s.cert.subject, s.reason])).to.deep.equal([['CN=v1-leaf', 'not a CA']]);
  });

  it('the result does not depend on bundle order', () => {
    const a = selectAnchors(ca1.pem + ca2.pem + ca3.pem, NOW).trusted.map((t) => t.alias);
    const b = selectAnchors(ca3.pem + ca1.pem + ca2.pem, NOW).trusted.map((t) => t.alias);
    expect(a).to.deep.equal(b);
  });

  it('a CA expiring exactly now counts as expired (pinned clock)', () => {
    const long = makeCa({ subject: 'CN=long', days: 800 });
    const r = selectAnchors(ca1.pem + long.pem, certInfo(ca1.cert).notAfter);
    expect(r.trusted.map((t) => t.subject)).to.deep.equal(['CN=long']);
    expect(r.skipped.map((s) => s.reason)).to.deep.equal(['expired']);
  });
});
