// Kubernetes Secret manifests for a pinned CA: the private one nifi-ca restores its working directory
// from, and the public trust bundle NiFi pods mount. Plain objects; the CLI renders or applies them.

export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'nifi-ca-guard' } as const;
export const ANN_CA_SHA256 = 'nifi-ca-guard.io/ca-sha256';
export const ANN_ROTATED_AT = 'nifi-ca-guard.io/rotated-at';
export const BUNDLE_KEY = 'ca.crt';
export const DEFAULT_PRIVATE_SECRET = 'nifi-ca-keystore';
export const DEFAULT_TRUST_SECRET = 'nifi-ca-trust';

export interface SecretManifest {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: { name: string; namespace?: string; labels: Record<string, string>; annotations: Record<string, string> };
  type: 'Opaque';
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
