import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** A certificate and key that parse and belong together; safe to hand to TLS. */
export interface TlsPair {
  cert: string;
  key: string;
  /** For logs: identifies the certificate without its PEM text. */
  serial: string;
  fingerprint256: string;
  notAfter: string;
}

/**
 * Checks a PEM pair. Error messages name the problem, never the PEM content,
 * so they are safe to log.
 */
export function checkPair(cert: string, key: string): TlsPair {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new Error('certificate: not a parsable PEM certificate');
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new Error('key: not a parsable unencrypted PEM private key');
  }
  if (!x509.checkPrivateKey(privateKey)) throw new Error('key: does not match the certificate');
  return { cert, key, serial: x509.serialNumber, fingerprint256: x509.fingerprint256, notAfter: x509.validTo };
}

/** Reads and checks a pair from disk (read errors carry the path). */
export function readPair(certFile: string, keyFile: string): TlsPair {
  const cert = readText(certFile);
  const key = readText(keyFile);
  try {
    return checkPair(cert, key);
  } catch (err) {
    throw new Error(`${certFile}, ${keyFile}: ${(err as Error).message}`);
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'read error';
    throw new Error(`${file}: cannot read (${code})`);
  }
}
