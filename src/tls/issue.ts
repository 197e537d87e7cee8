import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

const { pki, md } = forge;

export const MIN_KEY_BITS = 2048;
/** Clock skew between this machine and the API server must not make a fresh certificate "not yet valid". */
export const DEFAULT_BACKDATE_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A PEM key pair; accepted as input so tests can skip RSA generation. */
export interface KeyPairPem {
  publicKey: string;
  privateKey: string;
}

export interface IssueOptions {
  /** DNS names for the serving certificate; `localhost` and IP 127.0.0.1 are always added. */
  dnsNames: readonly string[];
  days: number;
  keyBits?: number;
  backdateMs?: number;
  caCommonName?: string;
  keys?: { ca: KeyPairPem; serving: KeyPairPem };
  /** Source of serial-number bytes; defaults to crypto.randomBytes. */
  random?: (size: number) => Buffer;
}

export interface IssuedCertificates {
  caCert: string;
  cert: string;
  key: string;
}

/** A CA certificate with its private key (PEM), as stored and as handed to issueLeaf. */
export interface CaPem {
  cert: string;
  key: string;
}

export interface CaOptions {
  commonName: string;
  validityMs: number;
  keys?: KeyPairPem;
  keyBits?: number;
  backdateMs?: number;
  random?: (size: number) => Buffer;
}

export interface LeafOptions {
  /** DNS names; `localhost` and IP 127.0.0.1 are always added. */
  dnsNames: readonly string[];
  validityMs: number;
  /** The leaf never outlives this (its CA's notAfter): a chain is only as valid as its shortest link. */
  notAfterCap?: Date;
  keys?: KeyPairPem;
  keyBits?: number;
  backdateMs?: number;
  random?: (size: number) => Buffer;
}

/** Issues a development CA and a serving certificate signed by it (SHA-256, RSA). */
export function issueCertificates(now: Date, options: IssueOptions): IssuedCertificates {
  if (!Number.isInteger(options.days) || options.days < 1) throw new Error('days: must be a positive integer');
  const common = { keyBits: options.keyBits, backdateMs: options.backdateMs, random: options.random, validityMs: options.days * DAY_MS };
  const ca = issueCa(now, { ...common, commonName: options.caCommonName ?? 'nifi-ca-guard development CA', keys: options.keys?.ca });
  const leaf = issueLeaf(now, ca, { ...common, dnsNames: options.dnsNames, keys: options.keys?.serving });
  return { caCert: ca.cert, cert: leaf.cert, key: leaf.key };
}

/** A self-signed CA (SHA-256, RSA, path length 0): it signs serving certificates only. */
export function issueCa(now: Date, options: CaOptions): CaPem {
  const bits = checkBits(options.keyBits);
  const keys = options.keys ?? generate(bits);
  const forgeKeys = toForge(keys);
  const ca = pki.createCertificate();
  ca.publicKey = forgeKeys.publicKey;
  ca.serialNumber = serial(options.random ?? randomBytes);
  const { notBefore, notAfter } = validity(now, options.validityMs, options.backdateMs);
  ca.validity.notBefore = notBefore;
  ca.validity.notAfter = notAfter;
  const name = [{ shortName: 'CN', value: options.commonName }];
  ca.setSubject(name);
  ca.setIssuer(name);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(forgeKeys.privateKey, md.sha256.create());
  return { cert: pki.certificateToPem(ca), key: keys.privateKey };
}

/** A serving certificate signed by `ca` (SHA-256, RSA, SANs: the API server ignores the CN). */
export function issueLeaf(now: Date, ca: CaPem, options: LeafOptions): { cert: string; key: string } {
  const bits = checkBits(options.keyBits);
  const dnsNames = uniq([...options.dnsNames, 'localhost']);
  const keys = options.keys ?? generate(bits);
  const caCert = pki.certificateFromPem(ca.cert);
  const caKey = pki.privateKeyFromPem(ca.key);
  const leaf = pki.createCertificate();
  leaf.publicKey = pki.publicKeyFromPem(keys.publicKey);
  leaf.serialNumber = serial(options.random ?? randomBytes);
  const { notBefore, notAfter } = validity(now, options.validityMs, options.backdateMs);
  leaf.validity.notBefore = notBefore;
  leaf.validity.notAfter = options.notAfterCap && options.notAfterCap < notAfter ? new Date(options.notAfterCap) : notAfter;
  leaf.setSubject([{ shortName: 'CN', value: dnsNames[0] ?? 'localhost' }]);
  leaf.setIssuer(caCert.subject.attributes);
  leaf.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    // The API server ignores the CN: without SANs it rejects the certificate.
    { name: 'subjectAltName', altNames: [...dnsNames.map((value) => ({ type: 2, value })), { type: 7, ip: '127.0.0.1' }] },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  leaf.sign(caKey, md.sha256.create());
  return { cert: pki.certificateToPem(leaf), key: keys.privateKey };
}

function checkBits(bits: number | undefined): number {
  const b = bits ?? MIN_KEY_BITS;
  if (!Number.isInteger(b) || b < MIN_KEY_BITS) throw new Error(`keyBits: must be an integer >= ${MIN_KEY_BITS}`);
  return b;
}

function validity(now: Date, validityMs: number, backdateMs = DEFAULT_BACKDATE_MS): { notBefore: Date; notAfter: Date } {
  if (!Number.isSafeInteger(validityMs) || validityMs < 1000) throw new Error('validity: must be at least one second');
  // X.509 times have one-second resolution: whole seconds, so what is stored is what was planned.
  const notAfter = new Date(Math.floor((now.getTime() + validityMs) / 1000) * 1000);
  return { notBefore: new Date(now.getTime() - backdateMs), notAfter };
}

/** A fresh RSA key pair. Native generation: node-forge's pure-JS RSA takes seconds. */
export function generateRsaKeys(bits: number = MIN_KEY_BITS): KeyPairPem {
  return generate(checkBits(bits));
}

function generate(bits: number): KeyPairPem {
  return generateKeyPairSync('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

function toForge(pair: KeyPairPem): { publicKey: forge.pki.rsa.PublicKey; privateKey: forge.pki.rsa.PrivateKey } {
  return {
    publicKey: pki.publicKeyFromPem(pair.publicKey),
    privateKey: pki.privateKeyFromPem(pair.privateKey),
  };
}

/** 16 random bytes, high bit cleared so the DER integer stays positive (RFC 5280 4.1.2.2). */
function serial(random: (size: number) => Buffer): string {
  const bytes = Buffer.from(random(16));
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function uniq(names: readonly string[]): string[] {
  return [...new Set(names.map((n) => n.trim().toLowerCase()).filter((n) => n !== ''))];
}
