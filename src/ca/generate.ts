// A certificate authority: key pair and self-signed certificate. Randomness (key, serial) and the
// clock are explicit inputs so tests can pin them.
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { buildCertificate } from './x509.js';

export type KeyAlgorithm = 'rsa' | 'ecdsa';

export interface KeySpec {
  algorithm: KeyAlgorithm;
  /** RSA modulus bits (>= 2048). */
  rsaBits?: number;
  /** ECDSA curve. */
  curve?: 'P-256' | 'P-384';
}

export interface CaMaterial {
  cert: Buffer;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export const DEFAULT_CA_SUBJECT = 'CN=nifi-ca, OU=NIFI';
export const DEFAULT_CA_DAYS = 1095;
/** notBefore is backdated so freshly issued certificates survive small clock skew between nodes. */
export const BACKDATE_MS = 60 * 60 * 1000;

export function generateKeyPair(spec: KeySpec): { privateKey: KeyObject; publicKey: KeyObject } {
  if (spec.algorithm === 'rsa') {
    const bits = spec.rsaBits ?? 2048;
    if (bits < 2048) throw new RangeError('RSA keys must be at least 2048 bits');
    return generateKeyPairSync('rsa', { modulusLength: bits });
  }
  return generateKeyPairSync('ec', { namedCurve: spec.curve === 'P-384' ? 'secp384r1' : 'prime256v1' });
}

/** 16 random bytes, positive. */
export function randomSerial(): Buffer {
  const b = randomBytes(16);
  b[0]! &= 0x7f;
  if (b[0] === 0) b[0] = 0x01;
  return b;
}

export function selfSignedCa(
  keys: { privateKey: KeyObject; publicKey: KeyObject },
  subject: string,
  now: Date,
  days: number,
  serial: Uint8Array,
): CaMaterial {
  if (!(days > 0)) throw new RangeError('CA lifetime must be a positive number of days');
  const cert = buildCertificate({
    subject,
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    serial,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + days * 86400_000),
    ca: true,
  });
  return { cert, privateKey: keys.privateKey, publicKey: keys.publicKey };
}

/** A server/client certificate signed by a CA (tests, and the toolkit-compatible leaf layout). */
export function issueLeaf(
  ca: CaMaterial,
  caSubject: string,
  opts: { subject: string; dnsNames?: string[]; ipAddresses?: string[]; now: Date; days: number; key?: KeySpec },
): { cert: Buffer; privateKey: KeyObject } {
  const keys = generateKeyPair(opts.key ?? { algorithm: 'ecdsa', curve: 'P-256' });
  const cert = buildCertificate({
    subject: opts.subject,
    issuer: caSubject,
    publicKey: keys.publicKey,
    signingKey: ca.privateKey,
    issuerPublicKey: ca.publicKey,
    serial: randomSerial(),
    notBefore: new Date(opts.now.getTime() - BACKDATE_MS),
    notAfter: new Date(opts.now.getTime() + opts.days * 86400_000),
    ca: false,
    dnsNames: opts.dnsNames ?? [],
    ipAddresses: opts.ipAddresses ?? [],
  });
  return { cert, privateKey: keys.privateKey };
}
