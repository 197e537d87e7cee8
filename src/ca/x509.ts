// X.509 v3 certificates built with the DER helpers and signed by node:crypto, so RSA and ECDSA
// keys go through one path. Pure apart from the signature itself: keys, serial and validity are inputs.
import { createHash, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { bitString, bool, child, explicit, implicit, integer, nul, octets, oid, readAll, seq, time, tlv } from '../trust/der.js';
import { encodeDn } from './dn.js';

export interface CertSpec {
  subject: string;
  /** Issuer DN; the subject for self-signed certificates. */
  issuer?: string;
  publicKey: KeyObject;
  /** Signs the certificate: the subject's own private key when self-signed. */
  signingKey: KeyObject;
  /** Issuer's public key, for the authority key identifier; defaults to publicKey. */
  issuerPublicKey?: KeyObject;
  serial: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  ca: boolean;
  pathLen?: number;
  /** Leaf certificates: DNS names and IP addresses. */
  dnsNames?: string[];
  ipAddresses?: string[];
  serverAuth?: boolean;
}

const SIG = {
  rsa: { oid: '1.2.840.113549.1.1.11', hash: 'sha256', params: true },
  p256: { oid: '1.2.840.10045.4.3.2', hash: 'sha256', params: false },
  p384: { oid: '1.2.840.10045.4.3.3', hash: 'sha384', params: false },
} as const;

function sigAlgFor(key: KeyObject): (typeof SIG)[keyof typeof SIG] {
  if (key.asymmetricKeyType === 'rsa') return SIG.rsa;
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1' || curve === 'P-256') return SIG.p256;
    if (curve === 'secp384r1' || curve === 'P-384') return SIG.p384;
  }
  throw new RangeError(`unsupported signing key ${key.asymmetricKeyType ?? 'unknown'}`);
}

function spki(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'der' });
}

/** RFC 5280 method 1: SHA-1 of the subjectPublicKey BIT STRING's value. */
export function keyIdentifier(key: KeyObject): Buffer {
  const bits = child(readAll(spki(key)), 1).content.subarray(1);
  return createHash('sha1').update(bits).digest();
}

function ext(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

function keyUsage(bits: number[]): Buffer {
  let v = 0;
  for (const b of bits) v |= 0x80 >> b;
  let unused = 0;
  while (unused < 7 && ((v >> unused) & 1) === 0) unused++;
  return bitString(Buffer.from([v]), unused);
}

function ipBytes(ip: string): Buffer {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new RangeError(`unsupported IP address ${ip}`);
  return Buffer.from(parts);
}

export function buildCertificate(spec: CertSpec): Buffer {
  const alg = sigAlgFor(spec.signingKey);
  const algId = alg.params ? seq(oid(alg.oid), nul()) : seq(oid(alg.oid));
  const exts: Buffer[] = [];
  if (spec.ca) {
    const bc = spec.pathLen === undefined ? seq(bool(true)) : seq(bool(true), integer(spec.pathLen));
    exts.push(ext('2.5.29.19', true, bc));
    exts.push(ext('2.5.29.15', true, keyUsage([0, 5, 6]))); // digitalSignature, keyCertSign, cRLSign
  } else {
    exts.push(ext('2.5.29.19', true, seq()));
    const ku = spec.publicKey.asymmetricKeyType === 'rsa' ? [0, 2] : [0];
    exts.push(ext('2.5.29.15', true, keyUsage(ku)));
    if (spec.serverAuth !== false) exts.push(ext('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2'))));
    const sans = [
      ...(spec.dnsNames ?? []).map((d) => implicit(2, Buffer.from(d, 'latin1'))),
      ...(spec.ipAddresses ?? []).map((ip) => implicit(7, ipBytes(ip))),
    ];
    if (sans.length) exts.push(ext('2.5.29.17', false, seq(...sans)));
  }
  exts.push(ext('2.5.29.14', false, octets(keyIdentifier(spec.publicKey))));
  exts.push(ext('2.5.29.35', false, seq(implicit(0, keyIdentifier(spec.issuerPublicKey ?? spec.publicKey)))));
  const tbs = seq(
    explicit(0, integer(2)),
    integer(spec.serial),
    algId,
    encodeDn(spec.issuer ?? spec.subject),
    seq(time(spec.notBefore), time(spec.notAfter)),
    encodeDn(spec.subject),
    spki(spec.publicKey),
    explicit(3, seq(...exts)),
  );
  const signature = sign(alg.hash, tbs, spec.signingKey);
  return seq(tbs, algId, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
}
