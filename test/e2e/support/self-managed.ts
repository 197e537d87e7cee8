// What the self-managed TLS scenario observes on the API server: the webhook's Secret, the caBundles of
// its webhook configuration and its Lease, read fast (one HTTPS request each, no kubectl process).
import { X509Certificate } from 'node:crypto';
import { rawRequest } from './raw.js';

export const TLS_NAMESPACE = 'nifi-ca-guard';
export const TLS_SECRET = 'nifi-ca-guard-tls';
export const LEASE = 'nifi-ca-guard';
export const MWC = 'nifi-ca-guard';

interface Meta {
  name: string;
  resourceVersion: string;
  annotations?: Record<string, string>;
  managedFields?: Array<{ manager: string; operation: string; time?: string }>;
}

export interface TlsSecret {
  metadata: Meta;
  type: string;
  data: Record<string, string>;
}

const decode = (b64: string | undefined): string => Buffer.from(b64 ?? '', 'base64').toString('utf8');

export async function tlsSecret(): Promise<TlsSecret | undefined> {
  try {
    const s = (await rawRequest('GET', `/api/v1/namespaces/${TLS_NAMESPACE}/secrets/${TLS_SECRET}`, undefined)) as TlsSecret;
    return { ...s, data: Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, decode(v)])) };
  } catch (err) {
    if (/HTTP 404/.test((err as Error).message)) return undefined;
    throw err;
  }
}

/** The PEM text of each webhook's caBundle ('' when unset), in order. */
export async function caBundles(): Promise<{ names: string[]; bundles: string[] }> {
  const mwc = (await rawRequest('GET', `/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/${MWC}`, undefined)) as {
    webhooks: Array<{ name: string; clientConfig: { caBundle?: string } }>;
  };
  return { names: mwc.webhooks.map((w) => w.name), bundles: mwc.webhooks.map((w) => decode(w.clientConfig.caBundle)) };
}

export async function lease(): Promise<{ holderIdentity?: string | null; leaseTransitions?: number } | undefined> {
  try {
    const l = (await rawRequest('GET', `/apis/coordination.k8s.io/v1/namespaces/${TLS_NAMESPACE}/leases/${LEASE}`, undefined)) as {
      spec: { holderIdentity?: string | null; leaseTransitions?: number };
    };
    return l.spec;
  } catch (err) {
    if (/HTTP 404/.test((err as Error).message)) return undefined;
    throw err;
  }
}

/** SHA-256 fingerprints of the certificates in a PEM text, in order. */
export function fingerprints(pem: string): string[] {
  const out: string[] = [];
  for (const m of pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)) out.push(new X509Certificate(m[0]).fingerprint256);
  return out;
}

/** The CA (of those in `pem`) that signed `cert`. */
export function issuerIn(cert: X509Certificate, pem: string): string | undefined {
  for (const m of pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)) {
    const ca = new X509Certificate(m[0]);
    if (cert.checkIssued(ca) && cert.verify(ca.publicKey)) return ca.fingerprint256;
  }
  return undefined;
}

/** The managers of a Secret's fields that are webhook replicas (`nifi-ca-guard:<pod>`), and the one that wrote last. */
export function writers(s: TlsSecret): { all: string[]; last: string | undefined } {
  const entries = (s.metadata.managedFields ?? []).filter((f) => f.manager.startsWith('nifi-ca-guard:'));
  const sorted = [...entries].sort((a, b) => (a.time ?? '').localeCompare(b.time ?? ''));
  return { all: [...new Set(entries.map((e) => e.manager.slice('nifi-ca-guard:'.length)))].sort(), last: sorted.at(-1)?.manager.slice('nifi-ca-guard:'.length) };
}
