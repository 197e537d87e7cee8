// Rotation with overlap, as pure functions over bundle text and a pinned clock: a new CA is appended
// to the trust bundle and the old one stays until it expires, so no node ever loses trust mid-rotation.
import { readCertificates } from '../trust/bundle.js';
import type { CertInfo } from '../trust/cert.js';
import { encodeCertBundle } from '../trust/pem.js';

export class RotationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RotationError';
  }
}

/** Existing certificates (bundle order, duplicates dropped) followed by the new CA. */
export function appendToBundle(bundleText: string, newCa: Uint8Array): { text: string; certs: CertInfo[]; added: boolean } {
  const { certs } = readCertificates(bundleText);
  const { certs: added } = readCertificates(encodeCertBundle([newCa]));
  const fresh = added[0];
  if (!fresh) throw new RotationError('the new CA certificate is unreadable');
  if (!fresh.isCA) throw new RotationError('the new certificate is not a CA');
  const present = certs.some((c) => c.sha256 === fresh.sha256);
  const all = present ? certs : [...certs, fresh];
  return { text: encodeCertBundle(all.map((c) => c.der)), certs: all, added: !present };
}

/**
 * Drops certificates expired at `now`. Refuses to drop `keep` (the CA nifi-ca signs with) and to leave
 * the bundle without a valid CA.
 */
export function pruneBundle(bundleText: string, now: Date, keepSha256: readonly string[] = []): { text: string; kept: CertInfo[]; dropped: CertInfo[] } {
  const { certs } = readCertificates(bundleText);
  if (certs.length === 0) throw new RotationError('the bundle holds no certificate');
  const keep = new Set(keepSha256);
  const expired = (c: CertInfo): boolean => c.notAfter.getTime() <= now.getTime();
  const kept = certs.filter((c) => keep.has(c.sha256) || !expired(c));
  const dropped = certs.filter((c) => !kept.includes(c));
  if (!kept.some((c) => c.isCA && !expired(c))) throw new RotationError('pruning would leave the bundle without a valid CA certificate');
  return { text: encodeCertBundle(kept.map((c) => c.der)), kept, dropped };
}
