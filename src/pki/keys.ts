// Key pairs from node:crypto: forge has no ECDSA, and its pure-JS RSA generation takes seconds.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';

export type KeyAlgorithm = 'rsa' | 'ecdsa';
export const MIN_RSA_BITS = 2048;

export interface KeySpec {
  algorithm: KeyAlgorithm;
  /** RSA modulus bits (>= 2048). */
  rsaBits?: number;
  /** ECDSA curve. */
  curve?: 'P-256' | 'P-384';
}

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function generateKeyPair(spec: KeySpec): KeyPair {
  if (spec.algorithm === 'rsa') {
    const bits = spec.rsaBits ?? MIN_RSA_BITS;
    if (!Number.isInteger(bits) || bits < MIN_RSA_BITS) throw new RangeError(`RSA keys must be at least ${MIN_RSA_BITS} bits`);
    return generateKeyPairSync('rsa', { modulusLength: bits });
  }
  return generateKeyPairSync('ec', { namedCurve: spec.curve === 'P-384' ? 'secp384r1' : 'prime256v1' });
}
