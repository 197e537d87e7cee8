// PKCS#12 (RFC 7292) truststores Java reads: certificate bags in an unencrypted SafeContents
// (certificates are public), each with a friendlyName (the alias) and Java's trusted-key-usage
// attribute, without which Java ignores the bag; integrity by an HMAC under the store password.
// Optionally one private-key entry (toolkit CA keystores), given already encrypted as PKCS#8.
import { createDecipheriv, createHash, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import forge from 'node-forge';
import { bmp, child, children, explicit, integer, nul, octets, oid, readAll, readInt, readOid, seq, set, utf16be, type Node } from './der.js';

export const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  /** Oracle's "trusted key usage" bag attribute: marks a certificate bag as a trusted-certificate entry for Java. */
  javaTrustedKeyUsage: '2.16.840.1.113894.746875.1.1',
  anyExtendedKeyUsage: '2.5.29.37.0',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

export interface TrustedCert {
  alias: string;
  der: Uint8Array;
}

export interface KeyEntry {
  alias: string;
  /** EncryptedPrivateKeyInfo DER (PKCS#8, e.g. PBES2/AES-256-CBC), decryptable with the store password. */
  encryptedPkcs8: Uint8Array;
  /** Leaf first. */
  chain: Uint8Array[];
}

export interface Pkcs12Options {
  password: string;
  /** MAC salt (random per store; pass fixed bytes for reproducible output). */
  salt: Uint8Array;
  iterations?: number;
  /** MAC hash (default DEFAULT_MAC). */
  mac?: 'sha1' | 'sha256';
}

export const DEFAULT_MAC_ITERATIONS = 10000;
/**
 * HMAC-SHA-1 by default: every Java NiFi 1.x runs on reads it, while HMAC-SHA-256 MACs need Java
 * 8u301 / 11.0.12 or later. The MAC guards the integrity of public certificates under a password
 * that is usually well known, so the older hash costs nothing here.
 */
export const DEFAULT_MAC: 'sha1' | 'sha256' = 'sha1';

/** RFC 7292 appendix B.2 key derivation (ID 3 = MAC key). */
export function pkcs12Kdf(password: string, salt: Uint8Array, id: number, iterations: number, n: number, hash: 'sha1' | 'sha256'): Buffer {
  const u = hash === 'sha1' ? 20 : 32;
  const v = 64;
  const pw = Buffer.concat([utf16be(password), Buffer.from([0, 0])]);
  const fill = (src: Uint8Array): Buffer => {
    if (src.length === 0) return Buffer.alloc(0);
    const len = v * Math.ceil(src.length / v);
    const out = Buffer.alloc(len);
    for (let i = 0; i < len; i++) out[i] = src[i % src.length]!;
    return out;
  };
  const D = Buffer.alloc(v, id);
  const I = Buffer.concat([fill(salt), fill(pw)]);
  const out: Buffer[] = [];
  for (let produced = 0; produced < n; produced += u) {
    let A = createHash(hash).update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = createHash(hash).update(A).digest();
    out.push(A);
    const B = Buffer.alloc(v);
    for (let i = 0; i < v; i++) B[i] = A[i % u]!;
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k]! + B[k]! + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, n);
}

function attr(type: string, ...values: Buffer[]): Buffer {
  return seq(oid(type), set(...values));
}

function certBag(der: Uint8Array, attrs: Buffer[]): Buffer {
  const bag = seq(oid(OID.x509Certificate), explicit(0, octets(der)));
  return seq(oid(OID.certBag), explicit(0, bag), set(...attrs));
}

function dataContentInfo(content: Uint8Array): Buffer {
  return seq(oid(OID.data), explicit(0, octets(content)));
}

/** A trusted-certificate SafeBag as Java writes one: friendlyName (the alias) and the trusted-key-usage attribute. */
export function trustedCertBag(t: TrustedCert): Buffer {
  return certBag(t.der, [attr(OID.friendlyName, bmp(t.alias)), attr(OID.javaTrustedKeyUsage, oid(OID.anyExtendedKeyUsage))]);
}

export function writePkcs12(trusted: readonly TrustedCert[], opts: Pkcs12Options, key?: KeyEntry): Buffer {
  const bags: Buffer[] = [];
  if (key) {
    const localKeyId = createHash('sha1').update(key.chain[0] ?? Buffer.alloc(0)).digest();
    const keyAttrs = [attr(OID.friendlyName, bmp(key.alias)), attr(OID.localKeyId, octets(localKeyId))];
    bags.push(seq(oid(OID.shroudedKeyBag), explicit(0, Buffer.from(key.encryptedPkcs8)), set(...keyAttrs)));
    key.chain.forEach((c, i) => {
      const attrs = i === 0 ? keyAttrs : [];
      bags.push(certBag(c, attrs));
    });
  }
  for (const t of trusted) bags.push(trustedCertBag(t));
  return writePkcs12Bags(bags, opts);
}

/**
 * A store of the given SafeBags, copied as they are (a merge keeps other tools' bags byte-for-byte),
 * in one unencrypted SafeContents, with the MAC under the store password.
 */
export function writePkcs12Bags(bags: readonly Uint8Array[], opts: Pkcs12Options): Buffer {
  if (!opts.password) throw new RangeError('a PKCS12 store needs a non-empty password');
  const authSafe = seq(dataContentInfo(seq(...bags)));
  const iterations = opts.iterations ?? DEFAULT_MAC_ITERATIONS;
  const hash = opts.mac ?? DEFAULT_MAC;
  const macKey = pkcs12Kdf(opts.password, opts.salt, 3, iterations, hash === 'sha1' ? 20 : 32, hash);
  const mac = createHmac(hash, macKey).update(authSafe).digest();
  const macData = seq(seq(seq(oid(OID[hash]), nul()), octets(mac)), octets(opts.salt), integer(iterations));
  return seq(integer(3), dataContentInfo(authSafe), macData);
}

// ---- reading (for `ca inspect`, `truststore --merge` and the tests) ----

export interface Pkcs12Entry {
  alias: string;
  kind: 'trusted' | 'key-cert' | 'cert';
  der: Buffer;
}

export class Pkcs12Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Pkcs12Error';
  }
}

/**
 * Verifies the MAC and lists the certificate bags, from unencrypted SafeContents and from encrypted
 * ones this runtime can open; the others are counted in `encryptedParts`.
 */
export function readPkcs12(buf: Buffer, password: string, opts: { verifyMac?: boolean } = {}): { entries: Pkcs12Entry[]; encryptedParts: number } {
  const r = readSafeBags(buf, password, opts);
  const entries: Pkcs12Entry[] = [];
  for (const b of r.bags) if (b.der) entries.push({ alias: b.alias, kind: b.trusted ? 'trusted' : b.localKeyId ? 'key-cert' : 'cert', der: b.der });
  return { entries, encryptedParts: r.encryptedParts };
}

export interface SafeBag {
  /** The bag's OID (certBag, keyBag, shroudedKeyBag, crlBag, ...). */
  type: string;
  /** The whole SafeBag DER, as stored (decrypted when it came from an encrypted part). */
  raw: Buffer;
  /** An X.509 certificate bag's certificate. */
  der?: Buffer;
  /** friendlyName, or '' when the bag has none. */
  alias: string;
  /** Carries Java's trusted-key-usage attribute. */
  trusted: boolean;
  /** Carries a localKeyId (ties a certificate to a key). */
  localKeyId: boolean;
}

export interface SafeBags {
  bags: SafeBag[];
  hasMac: boolean;
  /** Encrypted SafeContents this runtime could not open (wrong password, unknown cipher). */
  encryptedParts: number;
  /** ContentInfos neither data nor password-encrypted (e.g. public-key enveloped). */
  otherParts: number;
}

/** Every SafeBag of a store, with the MAC verified (unless verifyMac is false) before anything is decrypted. */
export function readSafeBags(buf: Buffer, password: string, opts: { verifyMac?: boolean } = {}): SafeBags {
  try {
    const pfx = readAll(buf);
    const [version, authSafeCi, macData] = children(pfx);
    if (!version || readInt(version) !== 3n || !authSafeCi) throw new Pkcs12Error('not a PKCS12 store');
    if (readOid(child(authSafeCi, 0)) !== OID.data) throw new Pkcs12Error('public-key integrity mode is not supported');
    const authSafeBytes = octetContent(child(child(authSafeCi, 1), 0));
    if (macData && opts.verifyMac !== false) verifyMac(macData, authSafeBytes, password);
    const bags: SafeBag[] = [];
    let encryptedParts = 0;
    let otherParts = 0;
    for (const ci of children(readAll(authSafeBytes))) {
      const type = readOid(child(ci, 0));
      if (type === OID.encryptedData) {
        const opened = openEncrypted(child(child(ci, 1), 0), password);
        if (opened) bags.push(...opened);
        else encryptedParts++;
      } else if (type === OID.data) bags.push(...safeBags(readAll(octetContent(child(child(ci, 1), 0)))));
      else otherParts++;
    }
    return { bags, hasMac: macData !== undefined, encryptedParts, otherParts };
  } catch (err) {
    if (err instanceof Pkcs12Error) throw err;
    throw new Pkcs12Error('not a readable PKCS12 store');
  }
}

/** The bags of an encrypted part; undefined when it does not open (a wrong password may pass the padding check, not the parse). */
function openEncrypted(encryptedData: Node, password: string): SafeBag[] | undefined {
  const plain = decryptContent(encryptedData, password);
  if (!plain) return undefined;
  try {
    return safeBags(readAll(plain));
  } catch {
    return undefined;
  }
}

function safeBags(safeContents: Node): SafeBag[] {
  const out: SafeBag[] = [];
  for (const bag of children(safeContents)) {
    const type = readOid(child(bag, 0));
    const b: SafeBag = { type, raw: Buffer.from(bag.raw), alias: '', trusted: false, localKeyId: false };
    if (type === OID.certBag) {
      const cb = child(child(bag, 1), 0);
      if (readOid(child(cb, 0)) === OID.x509Certificate) b.der = Buffer.from(octetContent(child(child(cb, 1), 0)));
    }
    const attrs = children(bag)[2];
    for (const a of attrs ? children(attrs) : []) {
      const t = readOid(child(a, 0));
      if (t === OID.friendlyName) b.alias = utf16(child(child(a, 1), 0).content);
      else if (t === OID.javaTrustedKeyUsage) b.trusted = true;
      else if (t === OID.localKeyId) b.localKeyId = true;
    }
    out.push(b);
  }
  return out;
}

const PBES2 = '1.2.840.113549.1.5.13';
const PBKDF2 = '1.2.840.113549.1.5.12';
const PBE_SHA1_3DES = '1.2.840.113549.1.12.1.3';
const PBE_SHA1_RC2_40 = '1.2.840.113549.1.12.1.6';
const PRF: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
const AES: Record<string, string> = {
  '2.16.840.1.101.3.4.1.2': 'aes-128-cbc',
  '2.16.840.1.101.3.4.1.22': 'aes-192-cbc',
  '2.16.840.1.101.3.4.1.42': 'aes-256-cbc',
};

/**
 * Opens an EncryptedData SafeContents: PBES2 (PBKDF2 + AES-CBC, recent Java and OpenSSL) or the PKCS#12
 * SHA-1 schemes with 3DES or 40-bit RC2 (older Java). Undefined for other schemes.
 */
function decryptContent(encryptedData: Node, password: string): Buffer | undefined {
  const eci = child(encryptedData, 1);
  const alg = child(eci, 1);
  const algOid = readOid(child(alg, 0));
  const encNode = children(eci)[2];
  if (!encNode) return undefined;
  const data = encNode.tag === 0x80 ? encNode.content : Buffer.concat(children(encNode).map((c) => c.content));
  try {
    if (algOid === PBES2) {
      const params = child(alg, 1);
      const kdf = child(params, 0);
      const scheme = child(params, 1);
      if (readOid(child(kdf, 0)) !== PBKDF2) return undefined;
      const kp = children(child(kdf, 1));
      const salt = kp[0]!.content;
      const iterations = Number(readInt(kp[1]!));
      const prfNode = kp.find((n) => n.tag === 0x30);
      const prf = prfNode ? PRF[readOid(child(prfNode, 0))] : 'sha1';
      const cipher = AES[readOid(child(scheme, 0))];
      if (!prf || !cipher) return undefined;
      const keyLen = Number(cipher.slice(4, 7)) / 8;
      const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, keyLen, prf);
      const d = createDecipheriv(cipher, key, child(scheme, 1).content);
      return Buffer.concat([d.update(data), d.final()]);
    }
    if (algOid === PBE_SHA1_3DES || algOid === PBE_SHA1_RC2_40) {
      const p = children(child(alg, 1));
      const salt = p[0]!.content;
      const iterations = Number(readInt(p[1]!));
      const des = algOid === PBE_SHA1_3DES;
      const key = pkcs12Kdf(password, salt, 1, iterations, des ? 24 : 5, 'sha1');
      const iv = pkcs12Kdf(password, salt, 2, iterations, 8, 'sha1');
      if (!des) return rc2Decrypt(key, iv, data);
      const d = createDecipheriv('des-ede3-cbc', key, iv);
      return Buffer.concat([d.update(data), d.final()]);
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * RC2-CBC with 40 effective key bits: Java 8 (before 8u301) encrypts PKCS12 certificates with it, and
 * OpenSSL 3 keeps RC2 in its legacy provider, which Node does not load. node-forge has it in plain JS.
 */
function rc2Decrypt(key: Buffer, iv: Buffer, data: Buffer): Buffer | undefined {
  const c = forge.rc2.createDecryptionCipher(forge.util.createBuffer(key.toString('binary')), 40);
  c.start(forge.util.createBuffer(iv.toString('binary')));
  c.update(forge.util.createBuffer(data.toString('binary')));
  if (!c.finish()) return undefined; // bad padding: wrong password or damaged part
  return Buffer.from(c.output.getBytes(), 'binary');
}

function octetContent(n: Node): Buffer {
  if (n.tag === 0x04) return n.content;
  if (n.tag === 0x24) return Buffer.concat(children(n).map(octetContent)); // BER constructed OCTET STRING
  throw new Pkcs12Error('expected an OCTET STRING');
}

function utf16(b: Buffer): string {
  let s = '';
  for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode(b.readUInt16BE(i));
  return s;
}

function verifyMac(macData: Node, content: Buffer, password: string): void {
  const digestInfo = child(macData, 0);
  const algOid = readOid(child(child(digestInfo, 0), 0));
  const expected = child(digestInfo, 1).content;
  const salt = child(macData, 1).content;
  const iterNode = children(macData)[2];
  const iterations = iterNode ? Number(readInt(iterNode)) : 1;
  const hash = algOid === OID.sha1 ? 'sha1' : algOid === OID.sha256 ? 'sha256' : null;
  if (!hash) throw new Pkcs12Error(`unsupported PKCS12 MAC algorithm ${algOid}`);
  const key = pkcs12Kdf(password, salt, 3, iterations, hash === 'sha1' ? 20 : 32, hash);
  const mac = createHmac(hash, key).update(content).digest();
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) throw new Pkcs12Error('PKCS12 integrity check failed: wrong password or corrupted store');
}

