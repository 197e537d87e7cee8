// The webhook's own serving certificates (self-managed TLS, the placeholder before it is ready, tests):
// RSA keys, PEM in and out, issued by the PKI module. `nifi-ca-guard certs` uses selfsigned instead.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { BACKDATE_MS, issueCertificate, MIN_RSA_BITS, randomSerial, validity } from '../pki/index.js';

export const MIN_KEY_BITS = MIN_RSA_BITS;
/** Clock skew between this machine and the API server must not make a fresh certificate "not yet valid". */
export const DEFAULT_BACKDATE_MS = BACKDATE_MS;
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
  const privateKey = createPrivateKey(keys.privateKey);
  const der = issueCertificate({
    subject: `CN=${escapeDn(options.commonName)}`,
    publicKey: createPublicKey(keys.publicKey),
    signingKey: privateKey,
    serial: randomSerial(options.random ?? randomBytes),
    ...validity(now, options.validityMs, options.backdateMs),
    ca: true,
    pathLen: 0,
  });
  return { cert: toPem(der), key: keys.privateKey };
}

/** A serving certificate signed by `ca` (SHA-256, RSA, SANs: the API server ignores the CN). */
export function issueLeaf(now: Date, ca: CaPem, options: LeafOptions): { cert: string; key: string } {
  const dnsNames = uniq([...options.dnsNames, 'localhost']);
  const bits = checkBits(options.keyBits);
  const keys = options.keys ?? generate(bits);
  const span = validity(now, options.validityMs, options.backdateMs);
  const der = issueCertificate({
    subject: `CN=${escapeDn(dnsNames[0] ?? 'localhost')}`,
    issuerCert: new X509Certificate(ca.cert).raw,
    publicKey: createPublicKey(keys.publicKey),
    signingKey: createPrivateKey(ca.key),
    serial: randomSerial(options.random ?? randomBytes),
    notBefore: span.notBefore,
    notAfter: options.notAfterCap && options.notAfterCap < span.notAfter ? new Date(options.notAfterCap) : span.notAfter,
    ca: false,
    dnsNames,
    ipAddresses: ['127.0.0.1'],
    extKeyUsage: ['serverAuth'],
  });
  return { cert: toPem(der), key: keys.privateKey };
}

function checkBits(bits: number | undefined): number {
  const b = bits ?? MIN_KEY_BITS;
  if (!Number.isInteger(b) || b < MIN_KEY_BITS) throw new Error(`keyBits: must be an integer >= ${MIN_KEY_BITS}`);
  return b;
}

/** A fresh RSA key pair. Native generation: node-forge's pure-JS RSA takes seconds. */
function generate(bits: number): KeyPairPem {
  return generateKeyPairSync('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

const toPem = (der: Buffer): string => new X509Certificate(der).toString();

/** A value inside DN text: commas and backslashes escaped (a CN may be any text). */
const escapeDn = (v: string): string => v.replace(/([\\,])/g, '\\$1');

function uniq(names: readonly string[]): string[] {
  return [...new Set(names.map((n) => n.trim().toLowerCase()).filter((n) => n !== ''))];
}
