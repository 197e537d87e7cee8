import { generateKeyPairSync } from 'node:crypto';
import { issueCertificates, type IssuedCertificates, type KeyPairPem } from '../../src/tls/issue.js';

export function rsaKeys(bits = 2048): KeyPairPem {
  return generateKeyPairSync('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/** A CA and a serving certificate for 127.0.0.1/localhost, issued now. */
export function issueForTests(): IssuedCertificates {
  return issueCertificates(new Date(), { dnsNames: ['localhost'], days: 1 });
}

let shared: IssuedCertificates | undefined;
/** One pair for every test that only needs "some valid certificate". */
export function sharedPki(): IssuedCertificates {
  shared ??= issueForTests();
  return shared;
}
