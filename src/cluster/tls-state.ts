// The self-managed TLS Secret read as rotation state: which CA signs, which pair is served, which CAs
// the caBundles must hold. Pure: decoded Secret text in, checked certificates out. Anything that does
// not parse, match or chain is reported (without its content) and treated as absent.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { parsePem } from '../trust/pem.js';

/** Secret data keys. `ca-bundle.crt` is what every caBundle must hold; `next-ca.*` a CA being rolled in. */
export const KEYS = Object.freeze({
  caCert: 'ca.crt',
  caKey: 'ca.key',
  cert: 'tls.crt',
  key: 'tls.key',
  bundle: 'ca-bundle.crt',
  nextCaCert: 'next-ca.crt',
  nextCaKey: 'next-ca.key',
});

/** Secret annotations: the operator's request, and the two deadlines of a CA rotation. */
export const ANNOTATIONS = Object.freeze({
  /** `ca` or `leaf`: renew now (`kubectl annotate secret ... nifi-ca-guard.io/renew=ca`). */
  renew: 'nifi-ca-guard.io/renew',
  /** Set once every caBundle holds the next CA: the serving pair switches to it after this time. */
  switchAfter: 'nifi-ca-guard.io/ca-switch-after',
  /** Set when the serving pair switched: the previous CAs leave the caBundles after this time. */
  previousUntil: 'nifi-ca-guard.io/previous-ca-until',
});

export const MANAGED_ANNOTATIONS: readonly string[] = Object.freeze(Object.values(ANNOTATIONS));

/** The Secret as the planner sees it: data decoded to text, annotations as stored. */
export interface SecretView {
  data: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
}

export interface Cert {
  pem: string;
  x509: X509Certificate;
  /** SHA-256, colon-separated hex (as X509Certificate prints it): what logs name. */
  fingerprint: string;
  serial: string;
  notAfter: Date;
}

export interface CaPair {
  cert: Cert;
  /** PEM private key; undefined when missing or not matching (the CA is trusted but cannot sign). */
  key: string | undefined;
}

export interface TlsState {
  /** `ca.crt`: a valid, unexpired CA certificate. */
  active: CaPair | undefined;
  /** `tls.crt`/`tls.key`: a matching pair, signed by `active`, unexpired. */
  leaf: (Cert & { key: string; sansOk: boolean }) | undefined;
  /** `next-ca.*`: a valid CA that can sign. */
  next: (CaPair & { key: string }) | undefined;
  /** `ca-bundle.crt`: the unexpired CA certificates in it, each once. */
  bundle: Cert[];
  renew: string | undefined;
  switchAfter: Date | undefined;
  previousUntil: Date | undefined;
  /** What was unusable, one short line each; never PEM or key text. */
  problems: string[];
}

export function toCert(pem: string): Cert | undefined {
  try {
    const x509 = new X509Certificate(pem);
    return { pem: x509.toString(), x509, fingerprint: x509.fingerprint256, serial: x509.serialNumber, notAfter: new Date(Date.parse(x509.validTo)) };
  } catch {
    return undefined;
  }
}

/** Every certificate in a PEM text (other blocks ignored), each once, in order. */
export function certsOf(text: string): Cert[] {
  const out: Cert[] = [];
  for (const block of parsePem(text).blocks) {
    if (block.label !== 'CERTIFICATE') continue;
    const c = toCert(`-----BEGIN CERTIFICATE-----\n${block.der.toString('base64')}\n-----END CERTIFICATE-----\n`);
    if (c && !out.some((o) => o.fingerprint === c.fingerprint)) out.push(c);
  }
  return out;
}

export function bundlePem(certs: readonly Cert[]): string {
  return certs.map((c) => c.pem).join('');
}

function validCa(c: Cert | undefined, now: Date): boolean {
  return c !== undefined && c.x509.ca && c.notAfter > now && Date.parse(c.x509.validFrom) <= now.getTime();
}

function keyMatches(c: Cert, key: string | undefined): boolean {
  if (!key) return false;
  try {
    return c.x509.checkPrivateKey(createPrivateKey(key));
  } catch {
    return false;
  }
}

function signedBy(leaf: Cert, ca: Cert): boolean {
  try {
    return leaf.x509.checkIssued(ca.x509) && leaf.x509.verify(ca.x509.publicKey);
  } catch {
    return false;
  }
}

function date(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : new Date(t);
}

/** The state of the Secret at `now`; `dnsNames` are the names the serving certificate must carry. */
export function readState(secret: SecretView | undefined, now: Date, dnsNames: readonly string[]): TlsState {
  const problems: string[] = [];
  const data = secret?.data ?? {};
  const annotations = secret?.annotations ?? {};
  const text = (k: string): string | undefined => (data[k] === undefined || data[k] === '' ? undefined : data[k]);

  const caPair = (certKey: string, keyKey: string): CaPair | undefined => {
    const raw = text(certKey);
    if (raw === undefined) {
      if (secret) problems.push(`${certKey}: missing`);
      return undefined;
    }
    const cert = toCert(raw);
    if (!cert) return void problems.push(`${certKey}: not a PEM certificate`);
    if (!validCa(cert, now)) return void problems.push(`${certKey}: not a valid CA certificate at ${now.toISOString()} (serial ${cert.serial})`);
    const key = text(keyKey);
    if (!keyMatches(cert, key)) {
      problems.push(`${keyKey}: ${key ? 'does not match' : 'missing for'} ${certKey} (serial ${cert.serial})`);
      return { cert, key: undefined };
    }
    return { cert, key };
  };

  const active = caPair(KEYS.caCert, KEYS.caKey);
  const nextRaw = text(KEYS.nextCaCert) !== undefined ? caPair(KEYS.nextCaCert, KEYS.nextCaKey) : undefined;
  const next = nextRaw?.key !== undefined ? { cert: nextRaw.cert, key: nextRaw.key } : undefined;

  let leaf: TlsState['leaf'];
  const leafText = text(KEYS.cert);
  if (leafText === undefined) {
    if (secret) problems.push(`${KEYS.cert}: missing`);
  } else {
    const cert = toCert(leafText);
    const key = text(KEYS.key);
    if (!cert) problems.push(`${KEYS.cert}: not a PEM certificate`);
    else if (!keyMatches(cert, key)) problems.push(`${KEYS.key}: ${key ? 'does not match' : 'missing for'} ${KEYS.cert} (serial ${cert.serial})`);
    else if (cert.notAfter <= now) problems.push(`${KEYS.cert}: expired (serial ${cert.serial})`);
    else if (!active || !signedBy(cert, active.cert)) problems.push(`${KEYS.cert}: not signed by ${KEYS.caCert} (serial ${cert.serial})`);
    else {
      const sans = (cert.x509.subjectAltName ?? '').split(', ');
      leaf = { ...cert, key: key!, sansOk: dnsNames.every((n) => sans.includes(`DNS:${n}`)) };
    }
  }

  const bundle = certsOf(text(KEYS.bundle) ?? '').filter((c) => validCa(c, now));

  const renew = annotations[ANNOTATIONS.renew];
  const switchAfter = date(annotations[ANNOTATIONS.switchAfter]);
  const previousUntil = date(annotations[ANNOTATIONS.previousUntil]);
  return { active, leaf, next, bundle, renew, switchAfter, previousUntil, problems };
}
