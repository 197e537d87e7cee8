// Reading PKCS#12 stores, for `ca inspect`, `truststore --merge` and the tests. BER as other tools write
// it (indefinite lengths, chunked OCTET STRINGs) is parsed by forge.asn1, the ciphers are forge's and
// the MAC's key derivation node:crypto's (pbe.ts). The walk over the structure is ours: forge.pkcs12.pkcs12FromAsn1 drops attributes it
// does not know (Java's trusted-key-usage, which decides whether Java sees a bag at all), throws on
// CRL/secret bags and on parts the password does not open (where we list what can be read and count the
// rest), always checks the MAC (`ca inspect` lists without a password, as keytool does) and keeps no
// bag as stored (a merge copies other tools' bags unchanged).
import { timingSafeEqual } from 'node:crypto';
import { bytes, der, intOf, is, kid, kids, oidOf, parse, textOf, Type, type Node } from './asn1.js';
import { pbeDecrypt, pkcs12Mac } from './pbe.js';
import { OID } from './pkcs12.js';

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

export interface SafeBag {
  /** The bag's OID (certBag, keyBag, shroudedKeyBag, crlBag, ...). */
  type: string;
  /** The whole SafeBag, DER (decrypted when it came from an encrypted part). */
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

/**
 * Verifies the MAC and lists the certificate bags, from unencrypted SafeContents and from encrypted
 * ones the password opens; the others are counted in `encryptedParts`.
 */
export function readPkcs12(buf: Buffer, password: string, opts: { verifyMac?: boolean } = {}): { entries: Pkcs12Entry[]; encryptedParts: number } {
  const r = readSafeBags(buf, password, opts);
  const entries: Pkcs12Entry[] = [];
  for (const b of r.bags) if (b.der) entries.push({ alias: b.alias, kind: b.trusted ? 'trusted' : b.localKeyId ? 'key-cert' : 'cert', der: b.der });
  return { entries, encryptedParts: r.encryptedParts };
}

/** Every SafeBag of a store, with the MAC verified (unless verifyMac is false) before anything is decrypted. */
export function readSafeBags(buf: Buffer, password: string, opts: { verifyMac?: boolean } = {}): SafeBags {
  try {
    const [version, authSafeCi, macData] = kids(parse(buf));
    if (!version || intOf(version) !== 3n || !authSafeCi) throw new Pkcs12Error('not a PKCS12 store');
    if (oidOf(kid(authSafeCi, 0)) !== OID.data) throw new Pkcs12Error('public-key integrity mode is not supported');
    const authSafeBytes = octetString(kid(kid(authSafeCi, 1), 0));
    if (macData && opts.verifyMac !== false) verifyMac(macData, authSafeBytes, password);
    const bags: SafeBag[] = [];
    let encryptedParts = 0;
    let otherParts = 0;
    for (const ci of kids(parse(authSafeBytes))) {
      const type = oidOf(kid(ci, 0));
      if (type === OID.encryptedData) {
        const opened = openEncrypted(kid(kid(ci, 1), 0), password);
        if (opened) bags.push(...opened);
        else encryptedParts++;
      } else if (type === OID.data) bags.push(...safeBags(parse(octetString(kid(kid(ci, 1), 0)))));
      else otherParts++;
    }
    return { bags, hasMac: macData !== undefined, encryptedParts, otherParts };
  } catch (err) {
    if (err instanceof Pkcs12Error) throw err;
    throw new Pkcs12Error('not a readable PKCS12 store');
  }
}

/** The bags of an EncryptedData; undefined when it does not open (a wrong password may pass the padding check, not the parse). */
function openEncrypted(encryptedData: Node, password: string): SafeBag[] | undefined {
  const eci = kid(encryptedData, 1);
  const content = kids(eci)[2]; // [0] IMPLICIT encryptedContent, primitive or chunked
  if (!content) return undefined;
  const plain = pbeDecrypt(kid(eci, 1), bytes(content), password);
  if (!plain) return undefined;
  try {
    return safeBags(parse(plain));
  } catch {
    return undefined;
  }
}

function safeBags(safeContents: Node): SafeBag[] {
  return kids(safeContents).map((bag) => {
    const type = oidOf(kid(bag, 0));
    const b: SafeBag = { type, raw: der(bag), alias: '', trusted: false, localKeyId: false };
    if (type === OID.certBag) {
      const cb = kid(kid(bag, 1), 0);
      if (oidOf(kid(cb, 0)) === OID.x509Certificate) b.der = octetString(kid(kid(cb, 1), 0));
    }
    const attrs = kids(bag)[2];
    for (const a of attrs ? kids(attrs) : []) {
      const t = oidOf(kid(a, 0));
      if (t === OID.friendlyName) b.alias = textOf(kid(kid(a, 1), 0));
      else if (t === OID.javaTrustedKeyUsage) b.trusted = true;
      else if (t === OID.localKeyId) b.localKeyId = true;
    }
    return b;
  });
}

/** An OCTET STRING's bytes, chunked (BER constructed) or not. */
function octetString(n: Node): Buffer {
  if (!is(n, Type.OCTETSTRING)) throw new Pkcs12Error('expected an OCTET STRING');
  return bytes(n);
}

const MAC_HASH: Record<string, 'sha1' | 'sha256'> = { [OID.sha1]: 'sha1', [OID.sha256]: 'sha256' };
/** Java's own ceiling (PKCS12KeyStore): a store asking for more would keep the key derivation busy for minutes. */
const MAX_MAC_ITERATIONS = 5_000_000;

function verifyMac(macData: Node, content: Buffer, password: string): void {
  const digestInfo = kid(macData, 0);
  const algOid = oidOf(kid(kid(digestInfo, 0), 0));
  const expected = bytes(kid(digestInfo, 1));
  const salt = bytes(kid(macData, 1));
  const iterNode = kids(macData)[2];
  const iterations = iterNode ? Number(intOf(iterNode)) : 1;
  const hash = MAC_HASH[algOid];
  if (!hash) throw new Pkcs12Error(`unsupported PKCS12 MAC algorithm ${algOid}`);
  if (!(iterations >= 1 && iterations <= MAX_MAC_ITERATIONS)) throw new Pkcs12Error(`PKCS12 MAC iteration count ${iterations} is outside 1..${MAX_MAC_ITERATIONS}`);
  const mac = pkcs12Mac(hash, password, salt, iterations, content);
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) throw new Pkcs12Error('PKCS12 integrity check failed: wrong password or corrupted store');
}
