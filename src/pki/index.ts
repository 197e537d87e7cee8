// Certificates and key stores, one module: everything else imports from here. Built on node-forge
// (ASN.1, names, extensions, password-based ciphers) and node:crypto (keys, signatures, the hashes
// of the PKCS#12 key derivation and MAC); by hand only JKS, which no library here has.
export { CertificateError, firstDerValue, readCertificate, type CertificateFields } from './certificate.js';
export { DnError, encodeDn, parseDn, type Rdn } from './dn.js';
export { issueCertificate, type CertificateSpec, type ExtendedKeyUsage } from './issue.js';
export { asWritable, isJks, jksVersion, JksError, protectKey, readJks, recoverKey, writeJks } from './jks.js';
export type { JksEntry, JksKeyEntry, JksOptions, JksProtectedKeyEntry, JksReadEntry, JksTrustedEntry } from './jks.js';
export { generateKeyPair, MIN_RSA_BITS, type KeyAlgorithm, type KeyPair, type KeySpec } from './keys.js';
export { decryptPrivateKey, encryptPrivateKey, pkcs12Kdf, type MacHash } from './pbe.js';
export { DEFAULT_MAC, DEFAULT_MAC_ITERATIONS, OID, trustedCertBag, writePkcs12, writePkcs12Bags } from './pkcs12.js';
export type { KeyEntry, Pkcs12Options, TrustedCert } from './pkcs12.js';
export { Pkcs12Error, readPkcs12, readSafeBags, type Pkcs12Entry, type SafeBag, type SafeBags } from './pkcs12-read.js';
export { randomSerial, type Random } from './serial.js';
export { BACKDATE_MS, validity, type Validity } from './validity.js';
