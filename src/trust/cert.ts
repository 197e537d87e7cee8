// What an operator compares between pods: subject, serial, fingerprints, validity, CA or not.
import { X509Certificate } from 'node:crypto';
import { child, children, read, readAll, readOid, type Node } from './der.js';
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

export class CertError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertError';
  }
}

const ATTR_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'SERIALNUMBER',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'EMAILADDRESS',
};

function escapeValue(v: string): string {
  return v.replace(/([,+"\\<>;=])/g, '\\$1');
}

function nameToString(name: Node): string {
  const rdns = children(name).map((rdn) =>
    children(rdn)
      .map((atv) => {
        const type = readOid(child(atv, 0));
        const value = child(atv, 1);
        const text = value.tag === 0x1e ? utf16ToString(value.content) : value.content.toString('utf8');
        return `${ATTR_NAMES[type] ?? `OID.${type}`}=${escapeValue(text)}`;
      })
      .join('+'),
  );
  return rdns.reverse().join(', ');
}

function utf16ToString(b: Buffer): string {
  let s = '';
  for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode(b.readUInt16BE(i));
  return s;
}

function readTime(n: Node): Date {
  const s = n.content.toString('latin1');
  let iso: string;
  if (n.tag === 0x17) {
    const yy = Number(s.slice(0, 2));
    iso = `${yy >= 50 ? 19 : 20}${s.slice(0, 2)}-${s.slice(2, 4)}-${s.slice(4, 6)}T${s.slice(6, 8)}:${s.slice(8, 10)}:${s.slice(10, 12)}Z`;
  } else {
    iso = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(8, 10)}:${s.slice(10, 12)}:${s.slice(12, 14)}Z`;
  }
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new CertError('unreadable validity date');
  return d;
}

/** Parses one DER certificate; throws CertError when it is not one. */
export function certInfo(derIn: Uint8Array): CertInfo {
  const der = Buffer.from(derIn);
  let x: X509Certificate;
  try {
    x = new X509Certificate(der);
  } catch {
    throw new CertError('not an X.509 certificate');
  }
  try {
    const cert = readAll(der);
    const tbs = child(cert, 0);
    const parts = children(tbs);
    const off = parts[0]?.tag === 0xa0 ? 1 : 0;
    const serialNode = parts[off]!;
    const validity = children(parts[off + 3]!);
    return {
      der,
      alias: aliasFor(der),
      subject: nameToString(parts[off + 4]!),
      issuer: nameToString(parts[off + 2]!),
      serial: BigInt('0x' + (serialNode.content.toString('hex') || '0')).toString(16),
      sha256: fingerprint(der, 'sha256'),
      sha1: fingerprint(der, 'sha1'),
      md5: fingerprint(der, 'md5'),
      notBefore: readTime(validity[0]!),
      notAfter: readTime(validity[1]!),
      // v3: basicConstraints cA. A self-signed v1 certificate (no extensions at all) is a root by
      // convention, and Java accepts it as a trust anchor.
      isCA: x.ca || (off === 0 && x.checkIssued(x) && x.verify(x.publicKey)),
    };
  } catch (err) {
    if (err instanceof CertError) throw err;
    throw new CertError('unreadable certificate structure');
  }
}

/** The first DER value of a buffer (OpenSSL's TRUSTED CERTIFICATE appends auxiliary data after it). */
export function firstDerValue(buf: Buffer): Buffer {
  return Buffer.from(read(buf, 0).raw);
}
