// A certificate authority for the toolkit: key pair and self-signed certificate, issued by the PKI
// module. Randomness (key, serial) and the clock are explicit inputs so tests can pin them.
import type { KeyObject } from 'node:crypto';
import { generateKeyPair, issueCertificate, randomSerial, validity, type KeyPair, type KeySpec } from '../pki/index.js';

export { generateKeyPair, type KeySpec };

export interface CaMaterial {
  cert: Buffer;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export const DEFAULT_CA_SUBJECT = 'CN=nifi-ca, OU=NIFI';
export const DEFAULT_CA_DAYS = 1095;
const DAY_MS = 86400_000;

export function selfSignedCa(keys: KeyPair, subject: string, now: Date, days: number, serial: Uint8Array): CaMaterial {
  if (!(days > 0)) throw new RangeError('CA lifetime must be a positive number of days');
  const cert = issueCertificate({
    subject,
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    serial,
    ...validity(now, Math.round(days * DAY_MS)),
    ca: true,
  });
  return { cert, privateKey: keys.privateKey, publicKey: keys.publicKey };
}

/** A server/client certificate signed by a CA (tests, and the toolkit-compatible leaf layout). */
export function issueLeaf(
  ca: CaMaterial,
  opts: { subject: string; dnsNames?: string[]; ipAddresses?: string[]; now: Date; days: number; key?: KeySpec },
): { cert: Buffer; privateKey: KeyObject } {
  const keys = generateKeyPair(opts.key ?? { algorithm: 'ecdsa', curve: 'P-256' });
  const cert = issueCertificate({
    subject: opts.subject,
    issuerCert: ca.cert,
    publicKey: keys.publicKey,
    signingKey: ca.privateKey,
    serial: randomSerial(),
    ...validity(opts.now, Math.round(opts.days * DAY_MS)),
    ca: false,
    dnsNames: opts.dnsNames ?? [],
    ipAddresses: opts.ipAddresses ?? [],
  });
  return { cert, privateKey: keys.privateKey };
}
