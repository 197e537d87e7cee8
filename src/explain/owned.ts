// What the webhook put on an admitted pod, per feature, and the pod with those parts taken off: the
// pod as its creator sent it, near enough to ask mutatePod what it would inject today. The planners
// only check presence by name (a reinvocation must be a no-op), so asking them about the admitted pod
// itself would call a stale injection "present"; asking about the stripped pod gives today's version.
import { cloneJson } from '../json.js';
import {
  ANN_POLICY,
  ANN_ROLE,
  ANN_STATUS,
  BUNDLE_VOLUME,
  CA_RESTORE_CONTAINER,
  CA_SECRET_VOLUME,
  CA_WORKDIR_VOLUME,
  ENV_PASSWORD,
  ENV_PATH,
  ENV_TYPE,
  INIT_CONTAINER,
  MERGE_CONTAINER,
  NIFI_TRUSTSTORE_TYPE,
  TRUSTSTORE_ENV,
  TRUSTSTORE_FILE,
  TRUSTSTORE_VOLUME,
} from '../mutation/names.js';
import { isJson, podAnnotation, type Json } from '../mutation/pod.js';

/** The features whose objects the webhook injects, and those objects' names. */
export const OWNED = {
  'trust-bundle': { volumes: [BUNDLE_VOLUME, TRUSTSTORE_VOLUME], inits: [INIT_CONTAINER, MERGE_CONTAINER], mounts: [TRUSTSTORE_VOLUME] },
  'ca-pinning': { volumes: [CA_SECRET_VOLUME, CA_WORKDIR_VOLUME], inits: [CA_RESTORE_CONTAINER], mounts: [CA_WORKDIR_VOLUME] },
} as const;
export type InjectingFeature = keyof typeof OWNED;
export const INJECTING = Object.keys(OWNED) as InjectingFeature[];

/** What the webhook's annotations on a pod say, or undefined for a pod it never mutated. */
export interface Admitted {
  policy: string | undefined;
  role: string | undefined;
  /** The status annotation as feature -> detail (`skipped`, `ineffective` included); `none`: empty. */
  status: Map<string, string>;
}

export function admittedBy(pod: Json): Admitted | undefined {
  const policy = podAnnotation(pod, ANN_POLICY);
  const status = podAnnotation(pod, ANN_STATUS);
  if (policy === undefined && status === undefined) return undefined;
  return { policy, role: podAnnotation(pod, ANN_ROLE), status: parseStatus(status ?? 'none') };
}

/** `anti-affinity=required,trust-bundle=pkcs12` as a map; `none` or '' as an empty one. */
export function parseStatus(value: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of value.split(',')) {
    const at = part.indexOf('=');
    if (at > 0) out.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  return out;
}

/**
 * A copy of an admitted pod without the webhook's annotations and without the objects of each feature
 * its status says was injected (a skipped feature injected nothing, so same-named objects are the user's).
 * TRUSTSTORE_* env is taken off only where TRUSTSTORE_PATH points into our truststore mount, and
 * workingDir only where it is our CA workdir mount: elsewhere they are the user's. Anti-affinity terms and
 * fsGroup stay: nothing tells ours from the user's, and the planners compare terms by content anyway.
 */
export function stripOwned(pod: Json, admitted: Admitted): Json {
  const out = cloneJson(pod);
  const meta = out.metadata;
  if (isJson(meta) && isJson(meta.annotations)) {
    for (const k of [ANN_ROLE, ANN_POLICY, ANN_STATUS]) delete meta.annotations[k];
  }
  const spec = out.spec;
  if (!isJson(spec)) return out;
  for (const feature of INJECTING) {
    const state = admitted.status.get(feature);
    if (state === undefined || state === 'skipped') continue;
    const own = OWNED[feature];
    dropNamed(spec, 'volumes', own.volumes);
    dropNamed(spec, 'initContainers', own.inits);
    for (const c of Array.isArray(spec.containers) ? spec.containers.filter(isJson) : []) {
      const mounts = Array.isArray(c.volumeMounts) ? c.volumeMounts.filter(isJson) : [];
      const ours = mounts.filter((m) => (own.mounts as readonly string[]).includes(String(m.name)));
      if (feature === 'trust-bundle') for (const m of ours) dropOurEnv(c, String(m.mountPath));
      if (feature === 'ca-pinning' && ours.some((m) => m.mountPath === c.workingDir)) delete c.workingDir;
      dropNamed(c, 'volumeMounts', own.mounts);
    }
  }
  return out;
}

function dropNamed(holder: Json, key: string, names: readonly string[]): void {
  const list = holder[key];
  if (!Array.isArray(list)) return;
  const kept = list.filter((x) => !(isJson(x) && names.includes(String(x.name))));
  if (kept.length === list.length) return;
  if (kept.length === 0) delete holder[key];
  else holder[key] = kept;
}

/**
 * The three TRUSTSTORE_* the trust bundle appends together (all or none), when TRUSTSTORE_PATH is a
 * store in our mount and TRUSTSTORE_TYPE its type: a container that set any of them itself keeps them.
 */
function dropOurEnv(c: Json, mountPath: string): void {
  if (!Array.isArray(c.env)) return;
  const env = c.env as unknown[];
  const entry = (name: string): Json | undefined => env.find((e): e is Json => isJson(e) && e.name === name);
  const path = entry(ENV_PATH);
  const type = entry(ENV_TYPE);
  const format = (Object.keys(TRUSTSTORE_FILE) as Array<keyof typeof TRUSTSTORE_FILE>).find((f) => path?.value === `${mountPath}/${TRUSTSTORE_FILE[f]}`);
  if (!format || type?.value !== NIFI_TRUSTSTORE_TYPE[format] || !entry(ENV_PASSWORD)) return;
  dropNamed(c, 'env', TRUSTSTORE_ENV);
}
