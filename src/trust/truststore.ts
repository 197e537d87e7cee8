// One entry point for the three truststore formats NiFi reads. Pure: certificates, password, salt, clock in.
import type { CertInfo } from './cert.js';
import { writeJks, writePkcs12 } from '../pki/index.js';
import { encodeCertBundle } from './pem.js';

export type TruststoreFormat = 'pkcs12' | 'jks' | 'pem';
export const TRUSTSTORE_FORMATS: readonly TruststoreFormat[] = ['pkcs12', 'jks', 'pem'];

export interface TruststoreInputs {
  format: TruststoreFormat;
  /** Required for pkcs12 and jks; ignored for pem. */
  password?: string;
  /** PKCS12 MAC salt (20 random bytes). */
  salt: Uint8Array;
  /** PKCS12 MAC hash (default sha1, which every Java reads). */
  mac?: 'sha1' | 'sha256';
  now: Date;
}

export function buildTruststore(certs: readonly Pick<CertInfo, 'alias' | 'der'>[], inp: TruststoreInputs): Buffer {
  switch (inp.format) {
    case 'pem':
      return Buffer.from(encodeCertBundle(certs.map((c) => c.der)), 'utf8');
    case 'pkcs12':
      return writePkcs12(certs, { password: requirePassword(inp), salt: inp.salt, ...(inp.mac ? { mac: inp.mac } : {}) });
    case 'jks':
      return writeJks(
        certs.map((c) => ({ kind: 'trusted' as const, alias: c.alias, der: c.der })),
        { password: requirePassword(inp), date: inp.now },
      );
  }
}

function requirePassword(inp: TruststoreInputs): string {
  if (!inp.password) throw new RangeError(`a ${inp.format} truststore needs a non-empty password`);
  return inp.password;
}
