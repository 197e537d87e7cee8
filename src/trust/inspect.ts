// What a store or bundle holds, whatever its format. Pure: bytes and an optional password in.
import { readCertificates } from './bundle.js';
import { certInfo, type CertInfo } from './cert.js';
import { isJks, readJks, readPkcs12, recoverKey } from '../pki/index.js';

export type StoreFormat = 'pem' | 'jks' | 'pkcs12';

export interface InspectedEntry {
  /** The store alias; empty for PEM. */
  alias: string;
  kind: 'trusted' | 'key' | 'cert';
  cert: CertInfo;
}

export interface Inspection {
  format: StoreFormat;
  entries: InspectedEntry[];
  warnings: string[];
}

export class InspectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InspectError';
  }
}

export function detectFormat(bytes: Buffer): StoreFormat | undefined {
  if (isJks(bytes)) return 'jks';
  if (bytes[0] === 0x30) return 'pkcs12';
  if (bytes.toString('latin1').includes('-----BEGIN ')) return 'pem';
  return undefined;
}

export function inspectBytes(bytes: Buffer, password?: string): Inspection {
  const format = detectFormat(bytes);
  const warnings: string[] = [];
  switch (format) {
    case 'pem': {
      const r = readCertificates(bytes.toString('utf8'));
      return { format, entries: r.certs.map((cert) => ({ alias: '', kind: 'cert', cert })), warnings: r.warnings };
    }
    case 'jks': {
      let entries;
      try {
        entries = readJks(bytes, password);
      } catch (err) {
        throw new InspectError(err instanceof Error ? err.message : 'unreadable JKS store');
      }
      // keytool does the same without a password: list, but say integrity was not checked.
      if (password === undefined) warnings.push('no password given: the store integrity was not verified');
      const out: InspectedEntry[] = [];
      for (const e of entries) {
        if (e.kind === 'key' && password !== undefined && e.protectedKey) {
          try {
            recoverKey(e.protectedKey, password);
          } catch {
            warnings.push(`${e.alias}: the key does not open with the store password`);
          }
        }
        const first = e.certs[0];
        if (first) out.push({ alias: e.alias, kind: e.kind, cert: certInfo(first) });
      }
      return { format, entries: out, warnings };
    }
    case 'pkcs12': {
      let r;
      try {
        r = readPkcs12(bytes, password ?? '', { verifyMac: password !== undefined });
      } catch (err) {
        throw new InspectError(err instanceof Error ? err.message : 'unreadable PKCS12 store');
      }
      if (password === undefined) warnings.push('no password given: the store integrity was not verified');
      if (r.encryptedParts) warnings.push(`${r.encryptedParts} encrypted part(s) not listed (wrong password, or a cipher this runtime lacks)`);
      return {
        format,
        entries: r.entries.map((e) => ({ alias: e.alias, kind: e.kind === 'trusted' ? 'trusted' : e.kind === 'key-cert' ? 'key' : 'cert', cert: certInfo(e.der) })),
        warnings,
      };
    }
    default:
      throw new InspectError('not a PEM bundle, JKS or PKCS12 store');
  }
}
