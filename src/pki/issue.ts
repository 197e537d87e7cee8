// X.509 v3 certificates: names and extensions encoded by forge.pki, the structure by forge.asn1.
// Two parts stay with node:crypto because forge has no ECDSA (CAs may be ECDSA): the subject's
// SubjectPublicKeyInfo (exported as DER) and the signature itself (also much faster than forge's RSA).
import { createHash, createPublicKey, sign, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { bits, der, explicit, int, kid, nul, oid, parse, raw, seq, time, Type, type Node } from './asn1.js';
import { dnNode } from './dn.js';

export type ExtendedKeyUsage = 'serverAuth' | 'clientAuth';

export interface CertificateSpec {
  /** Subject DN text (`CN=nifi-ca, OU=NIFI`). */
  subject: string;
  publicKey: KeyObject;
  /** Signs the certificate: the subject's own private key when self-signed. */
  signingKey: KeyObject;
  /** The issuing CA's certificate (DER); absent when self-signed. Its subject becomes the issuer, byte for byte. */
  issuerCert?: Uint8Array;
  serial: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  ca: boolean;
  pathLen?: number;
  /** Leaf certificates: subjectAltName entries. */
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  /** Leaf certificates (default: serverAuth and clientAuth, as the toolkit's node certificates). */
  extKeyUsage?: readonly ExtendedKeyUsage[];
}

const SIG = {
  rsa: { oid: '1.2.840.113549.1.1.11', hash: 'sha256', params: true },
  p256: { oid: '1.2.840.10045.4.3.2', hash: 'sha256', params: false },
  p384: { oid: '1.2.840.10045.4.3.3', hash: 'sha384', params: false },
} as const;

function sigAlgFor(key: KeyObject): (typeof SIG)[keyof typeof SIG] {
  if (key.asymmetricKeyType === 'rsa') return SIG.rsa;
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1' || curve === 'P-256') return SIG.p256;
    if (curve === 'secp384r1' || curve === 'P-384') return SIG.p384;
  }
  throw new RangeError(`unsupported signing key ${key.asymmetricKeyType ?? 'unknown'}`);
}

export function spki(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'der' });
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's value. */
export function keyIdentifier(key: KeyObject): Buffer {
  const bitString = kid(parse(spki(key)), 1).value as string;
  return createHash('sha1').update(Buffer.from(bitString, 'binary').subarray(1)).digest();
}

/** The subject Name of a DER certificate, as a node to embed unchanged (chain building compares bytes). */
function subjectOf(certDer: Uint8Array): Node {
  const tbs = kid(parse(certDer), 0);
  const off = kid(tbs, 0).tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  return kid(tbs, off + 4);
}

function extensions(spec: CertificateSpec): object[] {
  const id = (key: KeyObject): string => keyIdentifier(key).toString('binary');
  const issuerKey = spec.issuerCert ? new X509Certificate(Buffer.from(spec.issuerCert)).publicKey : undefined;
  const exts: object[] = [];
  if (spec.ca) {
    exts.push({ name: 'basicConstraints', cA: true, ...(spec.pathLen === undefined ? {} : { pathLenConstraint: spec.pathLen }), critical: true });
    exts.push({ name: 'keyUsage', digitalSignature: true, keyCertSign: true, cRLSign: true, critical: true });
  } else {
    exts.push({ name: 'basicConstraints', cA: false, critical: true });
    exts.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: spec.publicKey.asymmetricKeyType === 'rsa', critical: true });
    const eku = spec.extKeyUsage ?? ['serverAuth', 'clientAuth'];
    if (eku.length) exts.push({ name: 'extKeyUsage', ...Object.fromEntries(eku.map((u) => [u, true])) });
    const altNames = [...(spec.dnsNames ?? []).map((value) => ({ type: 2, value })), ...(spec.ipAddresses ?? []).map((ip) => ({ type: 7, ip }))];
    if (altNames.length) exts.push({ name: 'subjectAltName', altNames });
  }
  // forge derives key identifiers from RSA keys only: the value is given for every key type.
  exts.push({ name: 'subjectKeyIdentifier', value: forge.asn1.create(forge.asn1.Class.UNIVERSAL, Type.OCTETSTRING, false, id(spec.publicKey)) });
  exts.push({ name: 'authorityKeyIdentifier', keyIdentifier: id(issuerKey ?? spec.publicKey) });
  // setExtensions fills in each extension's encoded value (forge's extension encoders).
  const holder = forge.pki.createCertificate();
  holder.setExtensions(exts);
  return holder.extensions as object[];
}

// Exported by forge.pki, missing from @types/node-forge.
const extensionsToAsn1 = (forge.pki as unknown as { certificateExtensionsToAsn1(exts: object[]): Node }).certificateExtensionsToAsn1;

/** A signed certificate, DER. Pure apart from the signature: keys, serial and validity are inputs. */
export function issueCertificate(spec: CertificateSpec): Buffer {
  const alg = sigAlgFor(spec.signingKey);
  const algId = alg.params ? seq(oid(alg.oid), nul()) : seq(oid(alg.oid));
  const subject = dnNode(spec.subject);
  const tbs = seq(
    explicit(0, int(2)),
    int(spec.serial),
    algId,
    spec.issuerCert ? subjectOf(spec.issuerCert) : subject,
    seq(time(spec.notBefore), time(spec.notAfter)),
    subject,
    raw(spki(spec.publicKey)),
    extensionsToAsn1(extensions(spec)),
  );
  const tbsDer = der(tbs);
  const signature = sign(alg.hash, tbsDer, spec.signingKey);
  return der(seq(tbs, algId, bits(signature)));
}
