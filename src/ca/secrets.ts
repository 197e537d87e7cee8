// Kubernetes Secret manifests for a pinned CA: the private one nifi-ca restores its working directory
// from, and the public trust bundle NiFi pods mount. Plain objects; the CLI renders or applies them.

export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'nifi-ca-guard' } as const;
export const ANN_CA_SHA256 = 'nifi-ca-guard.io/ca-sha256';
export const ANN_ROTATED_AT = 'nifi-ca-guard.io/rotated-at';
/**
 * On the trust Secret: the CA the command that wrote it switches (or switched) the private Secret to,
 * and when it wrote. Every switch of the private Secret is preceded by a write of the bundle that
 * sets them, so that write always changes the object (a new resourceVersion) even when the bundle's
 * certificates stay the same: see docs/ca-pinning.md, "Races, interruptions and recovery".
 */
export const ANN_NEXT_CA_SHA256 = 'nifi-ca-guard.io/next-ca-sha256';
export const ANN_BUNDLE_UPDATED_AT = 'nifi-ca-guard.io/bundle-updated-at';
export const BUNDLE_KEY = 'ca.crt';
export const DEFAULT_PRIVATE_SECRET = 'nifi-ca-keystore';
export const DEFAULT_TRUST_SECRET = 'nifi-ca-trust';

export interface SecretMetadata {
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Set on Secrets read from a cluster; a replace carries it back as its precondition. */
  resourceVersion?: string;
  uid?: string;
  ownerReferences?: unknown[];
  finalizers?: string[];
  [field: string]: unknown;
}

export interface SecretManifest {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: SecretMetadata;
  /** Opaque for the Secrets `ca` creates; an existing Secret keeps its own (the API server refuses a change). */
  type: string;
  data: Record<string, string>;
}

export function secretManifest(
  name: string,
  namespace: string | undefined,
  files: Record<string, Uint8Array | string>,
  annotations: Record<string, string>,
): SecretManifest {
  const data: Record<string, string> = {};
  for (const k of Object.keys(files).sort()) data[k] = Buffer.from(files[k]!).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, ...(namespace ? { namespace } : {}), labels: { ...MANAGED_BY }, annotations: { ...annotations } },
    type: 'Opaque',
    data,
  };
}

/** The bytes of one data key of a Secret-shaped object (manifest or API object), or undefined. */
export function secretData(secret: unknown, key: string): Buffer | undefined {
  const s = secret as { data?: Record<string, unknown>; stringData?: Record<string, unknown> } | undefined;
  const d = s?.data?.[key];
  if (typeof d === 'string') return Buffer.from(d, 'base64');
  const sd = s?.stringData?.[key];
  if (typeof sd === 'string') return Buffer.from(sd, 'utf8');
  return undefined;
}

export function secretKeys(secret: unknown): string[] {
  const s = secret as { data?: Record<string, unknown>; stringData?: Record<string, unknown> } | undefined;
  return [...new Set([...Object.keys(s?.data ?? {}), ...Object.keys(s?.stringData ?? {})])].sort();
}
/**
 * The next Secret under the old one's identity: its metadata as read (resourceVersion included, the
 * precondition of the replace; ownerReferences, finalizers, labels and annotations, ours winning) and
 * its type, which the API server does not let an update change. Only managedFields is dropped: the
 * server keeps its own.
 */
export function keepMeta(old: SecretManifest, next: SecretManifest): SecretManifest {
  const { managedFields: _dropped, ...meta } = old.metadata;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      ...meta,
      labels: { ...(old.metadata.labels ?? {}), ...next.metadata.labels },
      annotations: { ...(old.metadata.annotations ?? {}), ...next.metadata.annotations },
    },
    type: old.type ?? next.type,
    data: next.data,
  };
}

