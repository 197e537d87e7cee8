import { expect } from 'chai';
import { createHash, createHmac } from 'node:crypto';
import { bmp, explicit, integer, nul, octets, oid, seq, set, utf16be } from '../../support/der.js';
import { aliasFor } from '../../../src/trust/fingerprint.js';
import { detectFormat } from '../../../src/trust/inspect.js';
import { readJks, recoverKey, writeJks, type JksKeyEntry } from '../../../src/pki/jks.js';
import { isOurs, mergeTruststore, MergeError, type MergeInputs } from '../../../src/trust/merge.js';
import { encodeCertBundle } from '../../../src/trust/pem.js';
import { OID, pkcs12Kdf, readPkcs12, readSafeBags, writePkcs12, writePkcs12Bags } from '../../../src/pki/index.js';
import { DAY, makeCa, NOW } from '../../support/certs.js';

const PW = 'store-pw';
const SALT = Buffer.alloc(20, 7);
const LATER = new Date(NOW.getTime() + DAY);

type StoreType = 'jks' | 'pkcs12';
type Trusted = { alias: string; der: Buffer };

/** A store as another tool leaves it: these trusted entries, under PW, stamped a day before NOW. */
function store(type: StoreType, trusted: Trusted[]): Buffer {
  if (type === 'jks') return writeJks(trusted.map((t) => ({ kind: 'trusted' as const, ...t })), { password: PW, date: new Date(NOW.getTime() - DAY) });
  return writePkcs12(trusted, { password: PW, salt: Buffer.alloc(20, 1) });
}

/** alias -> DER of the trusted entries, whatever the format. */
function trustedOf(type: StoreType | 'pem', bytes: Buffer): Map<string, Buffer> {
  if (type === 'jks') return new Map(readJks(bytes, PW).filter((e) => e.kind === 'trusted').map((e) => [e.alias, e.certs[0]!]));
  if (type === 'pkcs12') return new Map(readPkcs12(bytes, PW).entries.map((e) => [e.alias, e.der]));
  throw new Error('no aliases in pem');
}

/** The entries' bytes as stored: what a merge must keep. */
function rawEntries(type: StoreType, bytes: Buffer): Map<string, Buffer> {
  if (type === 'jks') return new Map(readJks(bytes, PW).map((e) => [e.alias, e.raw]));
  return new Map(readSafeBags(bytes, PW).bags.map((b) => [b.alias, b.raw]));
}

/** A PFX around arbitrary ContentInfos, with or without the password MAC (for stores writePkcs12 never makes). */
function pfx(contentInfos: Buffer[], opts: { mac: boolean }): Buffer {
  const authSafe = seq(...contentInfos);
  const data = seq(oid(OID.data), explicit(0, octets(authSafe)));
  if (!opts.mac) return seq(integer(3), data);
  const salt = Buffer.alloc(20, 5);
  const mac = createHmac('sha1', pkcs12Kdf(PW, salt, 3, 2048, 20, 'sha1')).update(authSafe).digest();
  return seq(integer(3), data, seq(seq(seq(oid(OID.sha1), nul()), octets(mac)), octets(salt), integer(2048)));
}
const dataCi = (bags: Buffer[]): Buffer => seq(oid(OID.data), explicit(0, octets(seq(...bags))));
const certBagWith = (der: Buffer, attrs: Buffer[]): Buffer =>
  seq(oid(OID.certBag), explicit(0, seq(oid(OID.x509Certificate), explicit(0, octets(der)))), set(...attrs));
const friendly = (alias: string): Buffer => seq(oid(OID.friendlyName), set(bmp(alias)));

/** A JKS store's trailing digest recomputed after its body was edited by hand. */
function redigest(body: Buffer): Buffer {
  const d = createHash('sha1').update(utf16be(PW)).update(Buffer.from('Mighty Aphrodite')).update(body).digest();
  return Buffer.concat([body, d]);
}

describe('trust/merge: truststore --merge, pure', function () {
  this.timeout(60_000);
  const enrol = makeCa({ subject: 'CN=nifi-ca, OU=NIFI' }); // what tls-toolkit client put in as nifi-cert
  const a = makeCa({ subject: 'CN=bundle-a' });
  const b = makeCa({ subject: 'CN=bundle-b', key: 'rsa' });
  const c = makeCa({ subject: 'CN=bundle-c' });
  const stranger = makeCa({ subject: 'CN=stranger' });
  const [A, B, C, E, S] = [a.cert, b.cert, c.cert, enrol.cert, stranger.cert];
  const anchors = (...ders: Buffer[]) => ders.map((der) => ({ der }));
  const merge = (type: MergeInputs['type'], bytes: Buffer, anchorDers: Buffer[], over: Partial<MergeInputs> = {}) =>
    mergeTruststore({ store: bytes, type, password: PW, anchors: anchors(...anchorDers), now: LATER, salt: SALT, ...over });

  for (const type of ['jks', 'pkcs12'] as const) {
    describe(type, () => {
      it('adds each missing anchor under aliasFor, keeping the foreign entries byte-for-byte', () => {
        const before = store(type, [{ alias: 'nifi-cert', der: E }, { alias: 'corp-root', der: S }]);
        const r = merge(type, before, [A, B]);
        expect(r.added).to.deep.equal([aliasFor(A), aliasFor(B)].sort());
        expect(r.removed).to.deep.equal([]);
        expect(r.kept).to.deep.equal(['nifi-cert', 'corp-root']);
        expect(r.trusted).to.deep.equal([aliasFor(A), aliasFor(B), 'corp-root', 'nifi-cert'].sort());
        const after = trustedOf(type, r.bytes!);
        expect([...after.keys()].sort()).to.deep.equal(r.trusted);
        expect(after.get(aliasFor(A))!.equals(A)).to.equal(true);
        const rawBefore = rawEntries(type, before);
        const rawAfter = rawEntries(type, r.bytes!);
        for (const alias of ['nifi-cert', 'corp-root']) expect(rawAfter.get(alias)!.equals(rawBefore.get(alias)!), alias).to.equal(true);
        expect(merge(type, before, [B, A]).bytes!.equals(r.bytes!), 'bundle order does not matter').to.equal(true);
      });

      it('a second merge with the same bundle changes nothing (no bytes to write)', () => {
        const first = merge(type, store(type, [{ alias: 'nifi-cert', der: E }]), [A, B]);
        const second = merge(type, first.bytes!, [B, A], { salt: Buffer.alloc(20, 9) });
        expect(second.bytes).to.equal(undefined);
        expect(second.added).to.deep.equal([]);
        expect(second.removed).to.deep.equal([]);
        expect(second.trusted).to.deep.equal(first.trusted);
      });

      it('an anchor the store holds under another alias is not added again', () => {
        const r = merge(type, store(type, [{ alias: 'nifi-cert', der: E }]), [E, A]);
        expect(r.added).to.deep.equal([aliasFor(A)]);
        expect([...trustedOf(type, r.bytes!).values()].filter((d) => d.equals(E))).to.have.length(1);
        expect(merge(type, store(type, [{ alias: 'nifi-cert', der: E }]), [E]).bytes).to.equal(undefined);
      });

      it('removes only our entries whose CA left the bundle; foreign ones stay whatever they hold', () => {
        // corp-root's CA is in no bundle, and 'ca-0123456789abcdef' only looks like ours: both stay.
        const base = store(type, [
          { alias: 'nifi-cert', der: E },
          { alias: 'corp-root', der: S },
          { alias: 'ca-0123456789abcdef', der: C },
        ]);
        const first = merge(type, base, [A, B]);
        const r = merge(type, first.bytes!, [B]);
        expect(r.removed).to.deep.equal([aliasFor(A)]);
        expect(r.added).to.deep.equal([]);
        expect([...trustedOf(type, r.bytes!).keys()].sort()).to.deep.equal([aliasFor(B), 'ca-0123456789abcdef', 'corp-root', 'nifi-cert'].sort());
        // the bundle turns over completely: B goes, C comes (C is held by the look-alike, so is not added again)
        const r2 = merge(type, r.bytes!, [C, A]);
        expect(r2.removed).to.deep.equal([aliasFor(B)]);
        expect(r2.added).to.deep.equal([aliasFor(A)]);
        expect(merge(type, r2.bytes!, [C, A]).bytes).to.equal(undefined);
      });

      it('an alias taken by a different certificate gets the first free -N variant, which is still recognised as ours', () => {
        const squatted = store(type, [
          { alias: aliasFor(A), der: S },
          { alias: `${aliasFor(A)}-2`, der: E },
        ]);
        const r = merge(type, squatted, [A]);
        expect(r.added).to.deep.equal([`${aliasFor(A)}-3`]);
        expect(trustedOf(type, r.bytes!).get(`${aliasFor(A)}-3`)!.equals(A)).to.equal(true);
        expect(merge(type, r.bytes!, [A]).bytes, 'idempotent').to.equal(undefined);
        const gone = merge(type, r.bytes!, [B]);
        expect(gone.removed).to.deep.equal([`${aliasFor(A)}-3`]);
        expect([...trustedOf(type, gone.bytes!).keys()]).to.include.members([aliasFor(A), `${aliasFor(A)}-2`]);
      });

      it('refuses a wrong password', () => {
        const s = store(type, [{ alias: 'nifi-cert', der: E }]);
        expect(() => merge(type, s, [A], { password: 'not-it' })).to.throw(MergeError, /integrity check failed: wrong password/);
      });

      it('refuses when no password is given', () => {
        expect(() => merge(type, store(type, [{ alias: 'nifi-cert', der: E }]), [A], { password: undefined })).to.throw(MergeError, /needs a password/);
      });
    });
  }

  const wrongType: { name: string; bytes: () => Buffer; type: MergeInputs['type']; message: RegExp }[] = [
    { name: 'jks store, --type pkcs12', bytes: () => store('jks', [{ alias: 'x', der: E }]), type: 'pkcs12', message: /is a jks store, not pkcs12/ },
    { name: 'pkcs12 store, --type jks', bytes: () => store('pkcs12', [{ alias: 'x', der: E }]), type: 'jks', message: /is a pkcs12 store, not jks/ },
    { name: 'pem store, --type jks', bytes: () => Buffer.from(enrol.pem), type: 'jks', message: /is a pem store, not jks/ },
    { name: 'garbage', bytes: () => Buffer.from('hello, not a store'), type: 'jks', message: /is not a JKS, PKCS12 or PEM store/ },
    { name: 'empty file', bytes: () => Buffer.alloc(0), type: 'pkcs12', message: /is empty/ },
    { name: 'DER that is no PFX', bytes: () => seq(integer(1)), type: 'pkcs12', message: /not a (readable )?PKCS12 store/ },
  ];
  for (const c of wrongType) {
    it(`refuses: ${c.name}`, () => expect(() => merge(c.type, c.bytes(), [A])).to.throw(MergeError, c.message));
  }

  describe('pkcs12: only what can be rewritten faithfully', () => {
    const trustedAttr = seq(oid(OID.javaTrustedKeyUsage), set(oid(OID.anyExtendedKeyUsage)));
    const refusals: { name: string; bytes: () => Buffer; message: RegExp }[] = [
      {
        name: 'a key entry (shrouded key bag + its certificate)',
        bytes: () => writePkcs12([{ alias: 'nifi-cert', der: E }], { password: PW, salt: SALT }, { alias: 'nifi-key', encryptedPkcs8: seq(integer(0)), chain: [E] }),
        message: /holds a private key entry \(nifi-key\): only truststores can be merged/,
      },
      {
        name: 'a certificate without the trusted-key-usage attribute',
        bytes: () => writePkcs12Bags([certBagWith(E, [friendly('plain')])], { password: PW, salt: SALT }),
        message: /certificate \(plain\) without Java's trusted-key-usage attribute; refusing rather than drop it/,
      },
      {
        name: 'a CRL bag',
        bytes: () => writePkcs12Bags([seq(oid('1.2.840.113549.1.12.10.1.4'), explicit(0, seq()))], { password: PW, salt: SALT }),
        message: /holds a CRL entry/,
      },
      {
        name: 'an encrypted part under a cipher this runtime lacks',
        bytes: () =>
          pfx(
            [
              dataCi([certBagWith(E, [friendly('nifi-cert'), trustedAttr])]),
              seq(oid(OID.encryptedData), explicit(0, seq(integer(0), seq(oid(OID.data), seq(oid('1.2.3.4.5'), nul()), Buffer.from([0x80, 2, 1, 2]))))),
            ],
            { mac: true },
          ),
        message: /holds 1 encrypted part\(s\) this runtime cannot decrypt/,
      },
      {
        name: 'no MAC (the password cannot be checked)',
        bytes: () => pfx([dataCi([certBagWith(E, [friendly('nifi-cert'), trustedAttr])])], { mac: false }),
        message: /has no integrity MAC/,
      },
    ];
    for (const c of refusals) it(`refuses ${c.name}`, () => expect(() => merge('pkcs12', c.bytes(), [A])).to.throw(MergeError, c.message));

    it('accepts a hand-made store with the MAC and a trusted bag, and keeps that bag as it was', () => {
      const bag = certBagWith(E, [friendly('nifi-cert'), trustedAttr]);
      const r = merge('pkcs12', pfx([dataCi([bag])], { mac: true }), [A]);
      expect(readSafeBags(r.bytes!, PW).bags.map((x) => x.raw.equals(bag))).to.deep.equal([true, false]);
    });

    for (const mac of ['sha1', 'sha256'] as const) {
      it(`writes the --mac choice (${mac}) with the given salt`, () => {
        const r = merge('pkcs12', store('pkcs12', [{ alias: 'nifi-cert', der: E }]), [A], { mac });
        expect(r.bytes!.includes(oid(OID[mac]))).to.equal(true);
        expect(r.bytes!.includes(octets(SALT))).to.equal(true);
      });
    }
  });

  describe('jks: key entries and exotic stores', () => {
    const keyEntry: JksKeyEntry = { kind: 'key', alias: 'nifi-key', pkcs8: a.privateKey.export({ type: 'pkcs8', format: 'der' }), chain: [A] };
    const withKey = () => writeJks([keyEntry, { kind: 'trusted', alias: 'nifi-cert', der: E }], { password: PW, date: new Date(NOW.getTime() - DAY), keySalt: Buffer.alloc(20, 3) });

    it('keeps a key entry byte-for-byte (its protected key still opens) and reports it', () => {
      const before = withKey();
      const r = merge('jks', before, [B]);
      expect(r.keys).to.deep.equal(['nifi-key']);
      expect(r.trusted).to.deep.equal([aliasFor(B), 'nifi-cert'].sort());
      const [k0] = readJks(before, PW);
      const after = readJks(r.bytes!, PW);
      expect(after[0]!.raw.equals(k0!.raw)).to.equal(true);
      expect(after[1]!.raw.equals(readJks(before, PW)[1]!.raw)).to.equal(true);
      expect(recoverKey(after[0]!.protectedKey!, PW).equals(keyEntry.pkcs8)).to.equal(true);
      // the added entry is dated by the clock given; kept entries keep their own dates
      expect(after[2]!.date.getTime()).to.equal(LATER.getTime());
      expect(after[1]!.date.getTime()).to.equal(NOW.getTime() - DAY);
    });

    it('a key entry is never "ours", even when its leaf would name it so', () => {
      const s = writeJks([{ ...keyEntry, alias: aliasFor(A) }], { password: PW, date: NOW, keySalt: Buffer.alloc(20, 3) });
      const r = merge('jks', s, [A]);
      expect(r.added).to.deep.equal([`${aliasFor(A)}-2`]); // the key entry is no trust anchor for Java
      expect(merge('jks', r.bytes!, [B]).removed).to.deep.equal([`${aliasFor(A)}-2`]);
    });

    it('refuses an entry it cannot write back as read (an upper-case alias, which writeJks would lower)', () => {
      const s = store('jks', [{ alias: 'nifi-cert', der: E }]);
      const body = Buffer.from(s.subarray(0, s.length - 20));
      const at = body.indexOf('nifi-cert');
      body.write('NIFI-CERT', at, 'latin1');
      expect(() => merge('jks', redigest(body), [A])).to.throw(MergeError, /entry NIFI-CERT cannot be rewritten exactly as read/);
      expect(merge('jks', redigest(body), []).bytes, 'nothing to do: nothing rewritten, nothing refused').to.equal(undefined);
    });

    it('refuses a JKS version 1 store', () => {
      const body = Buffer.alloc(12);
      body.writeUInt32BE(0xfeedfeed, 0);
      body.writeUInt32BE(1, 4);
      expect(() => merge('jks', redigest(body), [A])).to.throw(MergeError, /JKS version 1 store/);
    });
  });

  describe('pem: append only', () => {
    it('appends missing anchors after the text as it was, and then changes nothing', () => {
      const text = `# enrolment CA\n${enrol.pem}`;
      const r = merge('pem', Buffer.from(text), [E, A], { password: undefined });
      expect(r.added).to.deep.equal([aliasFor(A)]);
      expect(r.bytes!.toString('utf8')).to.equal(text + a.pem);
      expect(detectFormat(r.bytes!)).to.equal('pem');
      expect(merge('pem', r.bytes!, [E, A]).bytes).to.equal(undefined);
    });

    it('removes nothing (PEM has no aliases to recognise its own entries by)', () => {
      const r = merge('pem', Buffer.from(encodeCertBundle([E, A])), [B]);
      expect(r.removed).to.deep.equal([]);
      expect(r.trusted).to.have.length(3);
    });

    it('separates the appended block from a last line without a newline', () => {
      const r = merge('pem', Buffer.from(enrol.pem.trimEnd()), [A]);
      expect(r.bytes!.toString('utf8')).to.equal(enrol.pem + a.pem);
    });
  });

  const ours: [string, (d: Buffer) => string, boolean][] = [
    ['aliasFor itself', (d) => aliasFor(d), true],
    ['the -2 variant', (d) => `${aliasFor(d)}-2`, true],
    ['the -17 variant', (d) => `${aliasFor(d)}-17`, true],
    ['-1 (never chosen)', (d) => `${aliasFor(d)}-1`, false],
    ['-02 (not canonical)', (d) => `${aliasFor(d)}-02`, false],
    ['upper case', (d) => aliasFor(d).toUpperCase(), false],
    ['nifi-cert', () => 'nifi-cert', false],
    ["another certificate's alias", () => aliasFor(Buffer.from('other')), false],
  ];
  for (const [name, alias, expected] of ours) {
    it(`isOurs: ${name} -> ${expected}`, () => expect(isOurs(alias(A), A)).to.equal(expected));
  }
});
