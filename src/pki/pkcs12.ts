// Writing PKCS#12 (RFC 7292) stores Java reads: certificate bags in an unencrypted SafeContents
// (certificates are public), each with a friendlyName (the alias) and Java's trusted-key-usage
// attribute, without which Java ignores the bag; integrity by an HMAC under the store password.
// Optionally one private-key entry (toolkit CA keystores), given already encrypted as PKCS#8.
//
// The bags are built with forge.asn1 rather than forge.pkcs12.toPkcs12Asn1: that takes one key and its
// chain, gives bags only friendlyName and localKeyId (no trusted-key-usage, so Java would see an empty
// truststore), takes RSA keys only and MACs with SHA-1 only.
import { createHash } from 'node:crypto';
import { bmp, der, explicit, int, nul, octets, oid, raw, seq, set, type Node } from './asn1.js';
import { pkcs12Mac, type MacHash } from './pbe.js';

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
  mac?: MacHash;
}

export const DEFAULT_MAC_ITERATIONS = 10000;
/**
 * HMAC-SHA-1 by default: every Java NiFi 1.x runs on reads it, while HMAC-SHA-256 MACs need Java
 * 8u301 / 11.0.12 or later. The MAC guards the integrity of public certificates under a password
 * that is usually well known, so the older hash costs nothing here.
 */
export const DEFAULT_MAC: MacHash = 'sha1';

const attr = (type: string, ...values: Node[]): Node => seq(oid(type), set(...values));

function certBag(certDer: Uint8Array, attrs: Node[]): Node {
  return seq(oid(OID.certBag), explicit(0, seq(oid(OID.x509Certificate), explicit(0, octets(certDer)))), set(...attrs));
}

const dataContentInfo = (content: Uint8Array): Node => seq(oid(OID.data), explicit(0, octets(content)));

/** A trusted-certificate SafeBag as Java writes one: friendlyName (the alias) and the trusted-key-usage attribute. */
export function trustedCertBag(t: TrustedCert): Buffer {
  return der(certBag(t.der, [attr(OID.friendlyName, bmp(t.alias)), attr(OID.javaTrustedKeyUsage, oid(OID.anyExtendedKeyUsage))]));
}

export function writePkcs12(trusted: readonly TrustedCert[], opts: Pkcs12Options, key?: KeyEntry): Buffer {
  const bags: Buffer[] = [];
  if (key) {
    const localKeyId = createHash('sha1').update(key.chain[0] ?? Buffer.alloc(0)).digest();
    const keyAttrs = () => [attr(OID.friendlyName, bmp(key.alias)), attr(OID.localKeyId, octets(localKeyId))];
    bags.push(der(seq(oid(OID.shroudedKeyBag), explicit(0, raw(key.encryptedPkcs8)), set(...keyAttrs()))));
    key.chain.forEach((c, i) => bags.push(der(certBag(c, i === 0 ? keyAttrs() : []))));
  }
  for (const t of trusted) bags.push(trustedCertBag(t));
  return writePkcs12Bags(bags, opts);
}

/**
 * A store of the given SafeBags (DER), copied as they are (a merge keeps other tools' bags), in one
 * unencrypted SafeContents, with the MAC under the store password.
 */
export function writePkcs12Bags(bags: readonly Uint8Array[], opts: Pkcs12Options): Buffer {
  if (!opts.password) throw new RangeError('a PKCS12 store needs a non-empty password');
  const authSafe = der(seq(dataContentInfo(der(seq(...bags.map(raw))))));
  const iterations = opts.iterations ?? DEFAULT_MAC_ITERATIONS;
  const hash = opts.mac ?? DEFAULT_MAC;
  const mac = pkcs12Mac(hash, opts.password, opts.salt, iterations, authSafe);
  const macData = seq(seq(seq(oid(OID[hash]), nul()), octets(mac)), octets(opts.salt), int(iterations));
  return der(seq(int(3), dataContentInfo(authSafe), macData));
}
