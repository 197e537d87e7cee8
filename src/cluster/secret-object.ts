// The TLS Secret as a JSON object: read as text (SecretView), written back whole with the planned data
// and managed annotations, everything else as it was read (labels, other annotations, type).
import { type Json, withoutManagedFields } from './api.js';
import { MANAGED_ANNOTATIONS, type SecretView } from './tls-state.js';

/** The Secret's data decoded to text, and its annotations. */
export function view(secret: Json): SecretView {
  const data = (secret.data as Record<string, string> | undefined) ?? {};
  const meta = (secret.metadata as Json | undefined) ?? {};
  return {
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, decode(v)])),
    annotations: { ...((meta.annotations as Record<string, string> | undefined) ?? {}) },
  };
}

export function decode(b64: unknown): string {
  return typeof b64 === 'string' ? Buffer.from(b64, 'base64').toString('utf8') : '';
}

function encode(data: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]));
}

function mergeAnnotations(current: Record<string, string> | undefined, changes: Record<string, string | null>): Record<string, string> {
  const out = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(changes)) {
    if (!MANAGED_ANNOTATIONS.includes(k)) continue;
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** The Secret as read, with the planned data and managed annotations; everything else (labels, other annotations, type) kept. */
export function updated(secret: Json, data: Record<string, string>, annotations: Record<string, string | null>): Json {
  const meta = withoutManagedFields(secret.metadata as Json);
  const merged = mergeAnnotations(meta.annotations as Record<string, string> | undefined, annotations);
  const { stringData: _ignored, ...rest } = secret;
  return { ...rest, metadata: { ...meta, annotations: merged }, data: encode(data) };
}

export function created(name: string, namespace: string, data: Record<string, string>, annotations: Record<string, string | null>): Json {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    // kubernetes.io/tls: tls.crt and tls.key are where tools expect them; the other keys are allowed.
    type: 'kubernetes.io/tls',
    metadata: {
      name,
      namespace,
      labels: { 'app.kubernetes.io/name': 'nifi-ca-guard', 'app.kubernetes.io/managed-by': 'nifi-ca-guard' },
      annotations: mergeAnnotations({}, annotations),
    },
    data: encode(data),
  };
}
