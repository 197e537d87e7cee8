// What an operator compares between pods: subject, serial, fingerprints, validity, CA or not.
import { readCertificate } from '../pki/index.js';
import { aliasFor, fingerprint } from './fingerprint.js';

export interface CertInfo {
  der: Buffer;
  alias: string;
  /** Distinguished name in the order keytool prints it: `CN=nifi-ca, OU=NIFI`. */
  subject: string;
  issuer: string;
  /** Serial number in lower-case hex, as keytool prints it. */
  serial: string;
  sha256: string;
  sha1: string;
  md5: string;
  notBefore: Date;
  notAfter: Date;
  /** basicConstraints cA=true, or a self-signed v1 root. */
  isCA: boolean;
}

/** Parses one DER certificate; throws CertificateError when it is not one. */
export function certInfo(derIn: Uint8Array): CertInfo {
  const der = Buffer.from(derIn);
  return {
    der,
    alias: aliasFor(der),
    ...readCertificate(der),
    sha256: fingerprint(der, 'sha256'),
    sha1: fingerprint(der, 'sha1'),
    md5: fingerprint(der, 'md5'),
  };
}
