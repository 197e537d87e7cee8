import { expect } from 'chai';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import { certInfo } from '../../../src/trust/cert.js';
import { der, int, intOf, oid as oidNode, oidOf, parse, time as timeNode } from '../../../src/pki/asn1.js';
import { isJks, modifiedUtf8, protectKey, readJks, recoverKey, writeJks } from '../../../src/pki/jks.js';
import { OID, pkcs12Kdf, readPkcs12, writePkcs12 } from '../../../src/pki/index.js';
import { inspectBytes } from '../../../src/trust/inspect.js';
import { oid } from '../../support/der.js';
import { buildTruststore } from '../../../src/trust/truststore.js';
import { makeCa, NOW } from '../../support/certs.js';

describe('pki/asn1', () => {
  const oids = ['1.2.840.113549.1.9.22.1', '2.16.840.1.113894.746875.1.1', '2.5.29.37.0', '0.9.2342.19200300.100.1.25', '1.3.6.1.4.1.42.2.17.1.1'];
  for (const o of oids) it(`OID ${o} round-trips`, () => expect(oidOf(parse(der(oidNode(o))))).to.equal(o));
  const ints: [number | bigint, string][] = [
    [0, '020100'],
    [127, '02017f'],
    [128, '02020080'],
    [256, '02020100'],
    [10000, '02022710'],
  ];
  for (const [v, hex] of ints) it(`INTEGER ${v} encodes as ${hex}`, () => {
    expect(der(int(v)).toString('hex')).to.equal(hex);
    expect(intOf(parse(der(int(v))))).to.equal(BigInt(v));
  });
  it('times: UTCTime before 2050, GeneralizedTime after', () => {
    expect(der(timeNode(new Date('2049-12-31T23:59:59Z')))[0]).to.equal(0x17);
    expect(der(timeNode(new Date('2050-01-01T00:00:00Z')))[0]).to.equal(0x18);
  });
});

describe('pki/jks', function () {
  this.timeout(30_000);
  const ca1 = makeCa({ subject: 'CN=one' });
  const ca2 = makeCa({ subject: 'CN=two', key: 'rsa' });
  const entries = [
    { kind: 'trusted' as const, alias: 'CA-One', der: ca1.cert },
    { kind: 'trusted' as const, alias: 'ca-two', der: ca2.cert },
  ];

  it('writes magic 0xFEEDFEED, version 2, and lower-cased aliases', () => {
    const jks = writeJks(entries, { password: 'changeit', date: NOW });
    expect(jks.readUInt32BE(0)).to.equal(0xfeedfeed);
    expect(jks.readUInt32BE(4)).to.equal(2);
    expect(jks.readUInt32BE(8)).to.equal(2);
    expect(isJks(jks)).to.equal(true);
    const back = readJks(jks, 'changeit');
    expect(back.map((e) => e.alias)).to.deep.equal(['ca-one', 'ca-two']);
    expect(back.every((e) => e.kind === 'trusted' && e.date.getTime() === NOW.getTime())).to.equal(true);
    expect(back[0]!.certs[0]!.equals(ca1.cert)).to.equal(true);
  });

  it('is byte-for-byte reproducible on a pinned clock', () => {
    expect(writeJks(entries, { password: 'p', date: NOW }).equals(writeJks(entries, { password: 'p', date: NOW }))).to.equal(true);
  });

  it('rejects a wrong password (integrity digest)', () => {
    const jks = writeJks(entries, { password: 'changeit', date: NOW });
    expect(() => readJks(jks, 'wrong')).to.throw(/integrity/);
  });

  it('detects a flipped byte', () => {
    const jks = writeJks(entries, { password: 'changeit', date: NOW });
    jks[40] = jks[40]! ^ 1;
    expect(() => readJks(jks, 'changeit')).to.throw(/integrity/);
  });

  it('refuses duplicate aliases', () => {
    expect(() => writeJks([entries[0]!, { ...entries[1]!, alias: 'ca-one' }], { password: 'p', date: NOW })).to.throw(/duplicate/);
  });

  const utf: [string, string][] = [
    ['abc', '616263'],
    ['\u0000', 'c080'],
    ['é', 'c3a9'],
    ['€', 'e282ac'],
    ['😀', 'eda0bdedb880'],
  ];
  for (const [s, hex] of utf) it(`modified UTF-8 of ${JSON.stringify(s)} is ${hex}`, () => expect(modifiedUtf8(s).toString('hex')).to.equal(hex));

  it('KeyProtector round-trips a PKCS#8 key and rejects a wrong password', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
    const prot = protectKey(pkcs8, 'secret', Buffer.alloc(20, 9));
    expect(recoverKey(prot, 'secret').equals(pkcs8)).to.equal(true);
    expect(() => recoverKey(prot, 'nope')).to.throw(/wrong key password/);
    createPrivateKey({ key: recoverKey(prot, 'secret'), format: 'der', type: 'pkcs8' });
  });
});

describe('pki/pkcs12', function () {
  this.timeout(30_000);
  const ca1 = makeCa({ subject: 'CN=one' });
  const ca2 = makeCa({ subject: 'CN=two' });
  const certs = [ca1, ca2].map((c) => certInfo(c.cert));

  it('KDF matches the published SHA-1 vector (password "smeg", ID 1)', () => {
    // Test vector used by several PKCS#12 implementations (BouncyCastle's PKCS12 KDF tests).
    const key = pkcs12Kdf('smeg', Buffer.from('0A58CF64530D823F', 'hex'), 1, 1, 24, 'sha1');
    expect(key.toString('hex').toUpperCase()).to.equal('8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3');
  });

  // The KDF runs on node:crypto's hashes; forge's own (what it replaced, and what forge's PBE ciphers
  // use when reading older stores) is the reference for every input shape.
  const kdfCases = [
    { name: 'MAC key, SHA-1, 10,000 rounds', pw: 'changeit', salt: 20, id: 3, iter: 10_000, n: 20, hash: 'sha1' },
    { name: 'MAC key, SHA-256', pw: 'changeit', salt: 20, id: 3, iter: 2048, n: 32, hash: 'sha256' },
    { name: 'key longer than one digest (3 blocks)', pw: 'secret', salt: 8, id: 1, iter: 7, n: 56, hash: 'sha1' },
    { name: 'IV, SHA-256, 2 blocks', pw: 'secret', salt: 16, id: 2, iter: 3, n: 40, hash: 'sha256' },
    { name: 'empty password', pw: '', salt: 20, id: 3, iter: 5, n: 20, hash: 'sha1' },
    { name: 'non-ASCII password', pw: 'pässwörd€', salt: 20, id: 1, iter: 5, n: 24, hash: 'sha1' },
    { name: 'password longer than one block', pw: 'x'.repeat(70), salt: 20, id: 1, iter: 2, n: 24, hash: 'sha256' },
    { name: 'salt longer than one block', pw: 'pw', salt: 65, id: 3, iter: 2, n: 20, hash: 'sha1' },
    { name: 'empty salt', pw: 'pw', salt: 0, id: 3, iter: 2, n: 20, hash: 'sha1' },
  ] as const;
  for (const c of kdfCases) {
    it(`KDF equals forge's: ${c.name}`, () => {
      const salt = Buffer.from(Array.from({ length: c.salt }, (_, i) => (i * 37 + 11) & 0xff));
      const ref = forge.pkcs12.generateKey(c.pw, forge.util.createBuffer(salt.toString('binary')), c.id, c.iter, c.n, forge.md[c.hash].create());
      const got = pkcs12Kdf(c.pw, salt, c.id, c.iter, c.n, c.hash);
      expect(got.toString('hex')).to.equal(Buffer.from(ref.getBytes(), 'binary').toString('hex'));
      expect(got).to.have.length(c.n);
    });
  }

  it('KDF refuses fewer than one round', () => {
    expect(() => pkcs12Kdf('pw', Buffer.alloc(8), 3, 0, 20, 'sha1')).to.throw(/iteration count must be >= 1/);
  });

  it('every certificate bag carries a friendlyName and the Java trusted-key-usage attribute', () => {
    const p12 = writePkcs12(certs, { password: 'changeit', salt: Buffer.alloc(20, 1) });
    const r = readPkcs12(p12, 'changeit');
    expect(r.entries.map((e) => e.kind)).to.deep.equal(['trusted', 'trusted']);
    expect(r.entries.map((e) => e.alias)).to.deep.equal(certs.map((c) => c.alias));
    expect(p12.includes(oid(OID.javaTrustedKeyUsage))).to.equal(true);
    expect(p12.includes(oid(OID.anyExtendedKeyUsage))).to.equal(true);
  });

  it('is reproducible for a fixed salt, and MAC-checked', () => {
    const a = writePkcs12(certs, { password: 'x', salt: Buffer.alloc(20, 2) });
    expect(a.equals(writePkcs12(certs, { password: 'x', salt: Buffer.alloc(20, 2) }))).to.equal(true);
    expect(() => readPkcs12(a, 'y')).to.throw(/integrity/);
  });

  for (const mac of ['sha1', 'sha256'] as const) {
    it(`MAC ${mac}: written with the matching digest algorithm and verified on reading`, () => {
      const p12 = writePkcs12(certs, { password: 'pw', salt: Buffer.alloc(20, 3), mac });
      expect(p12.includes(oid(mac === 'sha1' ? OID.sha1 : OID.sha256))).to.equal(true);
      expect(readPkcs12(p12, 'pw').entries).to.have.length(2);
      expect(() => readPkcs12(p12, 'px')).to.throw(/integrity/);
    });
  }

  it('refuses an empty password', () => {
    expect(() => writePkcs12(certs, { password: '', salt: Buffer.alloc(20) })).to.throw(/password/);
  });
});

describe('trust/truststore + inspect', function () {
  this.timeout(30_000);
  const cas = [makeCa({ subject: 'CN=a' }), makeCa({ subject: 'CN=b', key: 'rsa' }), makeCa({ subject: 'CN=c' })];
  const certs = cas.map((c) => certInfo(c.cert));
  for (const format of ['pkcs12', 'jks', 'pem'] as const) {
    it(`${format}: inspect finds the N certificates written`, () => {
      const bytes = buildTruststore(certs, { format, password: 'changeit', salt: Buffer.alloc(20, 3), now: NOW });
      const r = inspectBytes(bytes, format === 'pem' ? undefined : 'changeit');
      expect(r.format).to.equal(format);
      expect(r.entries.map((e) => e.cert.sha256)).to.deep.equal(certs.map((c) => c.sha256));
      if (format !== 'pem') expect(r.entries.map((e) => e.alias)).to.deep.equal(certs.map((c) => c.alias));
    });
  }
  it('jks without a password is listed, with a warning', () => {
    const bytes = buildTruststore(certs, { format: 'jks', password: 'changeit', salt: Buffer.alloc(20), now: NOW });
    const r = inspectBytes(bytes);
    expect(r.entries).to.have.length(3);
    expect(r.warnings.join()).to.match(/not verified/);
  });
  it('pkcs12 and jks need a password to write', () => {
    expect(() => buildTruststore(certs, { format: 'jks', salt: Buffer.alloc(20), now: NOW })).to.throw(/password/);
  });
  it('inspect refuses unknown bytes', () => {
    expect(() => inspectBytes(Buffer.from('hello'))).to.throw(/not a PEM bundle/);
  });
});
