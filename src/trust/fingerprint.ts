// Fingerprints in the notation keytool and openssl print, and the store alias derived from them.
import { createHash } from 'node:crypto';

export type Digest = 'sha256' | 'sha1' | 'md5';

/** Upper-case hex pairs joined by colons, as `keytool -list -v` and `openssl x509 -fingerprint` print. */
export function fingerprint(der: Uint8Array, digest: Digest = 'sha256'): string {
  const hex = createHash(digest).update(der).digest('hex').toUpperCase();
  return hex.match(/../g)!.join(':');
}

export function sha256Hex(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

/**
 * The alias a certificate gets in every store we write: lower case (JKS lower-cases aliases anyway),
 * stable across runs and bundle orders, and unique in practice (64 bits of SHA-256).
 */
export function aliasFor(der: Uint8Array): string {
  return `ca-${sha256Hex(der).slice(0, 16)}`;
}
