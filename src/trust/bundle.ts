// From bundle text to the set of CA certificates a truststore should hold. Pure: text and a clock in.
import { CertificateError, firstDerValue } from '../pki/index.js';
import { certInfo, type CertInfo } from './cert.js';
import { parsePem } from './pem.js';

export type BundleRefusal = 'no-certificate' | 'no-usable-ca';

export class BundleError extends Error {
  constructor(
    readonly code: BundleRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'BundleError';
  }
}

export interface Skipped {
  cert: CertInfo;
  reason: 'expired' | 'not a CA';
}

export interface Anchors {
  /** Valid CA certificates, de-duplicated by SHA-256, sorted by alias (so bundle order never changes the store). */
  trusted: CertInfo[];
  skipped: Skipped[];
  duplicates: number;
  /** Short lines for stderr: skipped certificates, unreadable blocks. Never PEM text. */
  warnings: string[];
}

const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);

/** Every readable certificate of a bundle, de-duplicated, in bundle order. */
export function readCertificates(text: string): { certs: CertInfo[]; duplicates: number; warnings: string[] } {
  const { blocks, problems } = parsePem(text);
  const warnings = [...problems];
  const seen = new Set<string>();
  const certs: CertInfo[] = [];
  let duplicates = 0;
  for (const block of blocks) {
    if (!CERT_LABELS.has(block.label)) continue; // keys, CSRs, parameters: not our business
    let info: CertInfo;
    try {
      info = certInfo(block.label === 'TRUSTED CERTIFICATE' ? firstDerValue(block.der) : block.der);
    } catch (err) {
      warnings.push(`block ${block.index} (${block.label}): ${err instanceof CertificateError ? err.message : 'unreadable'}`);
      continue;
    }
    if (seen.has(info.sha256)) {
      duplicates++;
      continue;
    }
    seen.add(info.sha256);
    certs.push(info);
  }
  return { certs, duplicates, warnings };
}

/**
 * Chooses the trust anchors: CA certificates not yet expired at `now`. Refuses a bundle with no
 * certificate, or with no usable CA; skips (with a warning) expired and non-CA certificates among valid ones.
 */
export function selectAnchors(text: string, now: Date): Anchors {
  const { certs, duplicates, warnings } = readCertificates(text);
  if (certs.length === 0) throw new BundleError('no-certificate', 'holds no certificate');
  const trusted: CertInfo[] = [];
  const skipped: Skipped[] = [];
  for (const cert of certs) {
    if (!cert.isCA) skipped.push({ cert, reason: 'not a CA' });
    else if (cert.notAfter.getTime() <= now.getTime()) skipped.push({ cert, reason: 'expired' });
    else trusted.push(cert);
  }
  if (trusted.length === 0) {
    const expired = skipped.filter((s) => s.reason === 'expired').length;
    const nonCa = skipped.length - expired;
    const parts = [expired ? `${expired} expired` : '', nonCa ? `${nonCa} not a CA` : ''].filter(Boolean);
    throw new BundleError('no-usable-ca', `holds no usable CA certificate (${parts.join(', ')})`);
  }
  for (const s of skipped) {
    const when = s.reason === 'expired' ? ` on ${s.cert.notAfter.toISOString()}` : '';
    warnings.push(`skipped ${s.cert.alias} (${s.cert.subject}): ${s.reason}${when}`);
  }
  for (const t of trusted) {
    if (t.notBefore.getTime() > now.getTime()) warnings.push(`${t.alias} (${t.subject}) is not valid before ${t.notBefore.toISOString()}`);
  }
  trusted.sort((a, b) => (a.alias < b.alias ? -1 : a.alias > b.alias ? 1 : 0));
  return { trusted, skipped, duplicates, warnings };
}
