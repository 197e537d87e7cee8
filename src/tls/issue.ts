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

/** Issues a development CA and a serving certificate signed by it (SHA-256, RSA). */
export function issueCertificates(now: Date, options: IssueOptions): IssuedCertificates {
  const bits = options.keyBits ?? MIN_KEY_BITS;
  if (!Number.isInteger(bits) || bits < MIN_KEY_BITS) throw new Error(`keyBits: must be an integer >= ${MIN_KEY_BITS}`);
  if (!Number.isInteger(options.days) || options.days < 1) throw new Error('days: must be a positive integer');
  const dnsNames = uniq([...options.dnsNames, 'localhost']);
  const random = options.random ?? randomBytes;
  const notBefore = new Date(now.getTime() - (options.backdateMs ?? DEFAULT_BACKDATE_MS));
  const notAfter = new Date(now.getTime() + options.days * DAY_MS);
  const caKeys = toForge(options.keys?.ca ?? generate(bits));
  const servingPem = options.keys?.serving ?? generate(bits);
  const servingKeys = toForge(servingPem);

  const ca = pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serial(random);
  ca.validity.notBefore = notBefore;
  ca.validity.notAfter = notAfter;
  const caName = [{ shortName: 'CN', value: options.caCommonName ?? 'nifi-ca-guard development CA' }];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, md.sha256.create());

  const leaf = pki.createCertificate();
  leaf.publicKey = servingKeys.publicKey;
  leaf.serialNumber = serial(random);
  leaf.validity.notBefore = notBefore;
  leaf.validity.notAfter = notAfter;
  leaf.setSubject([{ shortName: 'CN', value: dnsNames[0] ?? 'localhost' }]);
  leaf.setIssuer(caName);
  leaf.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    // The API server ignores the CN: without SANs it rejects the certificate.
    { name: 'subjectAltName', altNames: [...dnsNames.map((value) => ({ type: 2, value })), { type: 7, ip: '127.0.0.1' }] },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  leaf.sign(caKeys.privateKey, md.sha256.create());

  return { caCert: pki.certificateToPem(ca), cert: pki.certificateToPem(leaf), key: servingPem.privateKey };
}

function generate(bits: number): KeyPairPem {
  // Native generation: node-forge's pure-JS RSA takes seconds.
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
