// Reading an X.509 certificate's identity: names, serial, validity, CA or not. forge.asn1 walks the
// structure (forge.pki.certificateFromAsn1 refuses non-RSA keys); node:crypto checks it is a certificate.
import { X509Certificate } from 'node:crypto';
import { bytes, der, kid, kids, parse, timeOf, Class } from './asn1.js';
import { nameToString } from './dn.js';

export interface CertificateFields {
  /** Distinguished name in the order keytool prints it: `CN=nifi-ca, OU=NIFI`. */
  subject: string;
  issuer: string;
  /** Serial number in lower-case hex without leading zeros, as keytool prints it. */
  serial: string;
  notBefore: Date;
  notAfter: Date;
  /** basicConstraints cA=true, or a self-signed v1 root (Java accepts those as trust anchors). */
  isCA: boolean;
}

export class CertificateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertificateError';
  }
}

/** Parses one DER certificate; throws CertificateError when it is not one. */
export function readCertificate(derIn: Uint8Array): CertificateFields {
  let x: X509Certificate;
  try {
    x = new X509Certificate(Buffer.from(derIn));
  } catch {
    throw new CertificateError('not an X.509 certificate');
  }
  try {
    const tbs = kid(parse(derIn), 0);
    const parts = kids(tbs);
    const v1 = parts[0]?.tagClass !== Class.CONTEXT_SPECIFIC;
    const off = v1 ? 0 : 1;
    const validity = kids(parts[off + 3]!);
    return {
      subject: nameToString(parts[off + 4]!),
      issuer: nameToString(parts[off + 2]!),
      serial: BigInt(`0x${bytes(parts[off]!).toString('hex') || '0'}`).toString(16),
      notBefore: timeOf(validity[0]!),
      notAfter: timeOf(validity[1]!),
      isCA: x.ca || (v1 && x.checkIssued(x) && x.verify(x.publicKey)),
    };
  } catch {
    throw new CertificateError('unreadable certificate structure');
  }
}

/** The first DER value of a buffer (OpenSSL's TRUSTED CERTIFICATE appends auxiliary data after it). */
export function firstDerValue(buf: Uint8Array): Buffer {
  return der(parse(buf, { first: true }));
}
