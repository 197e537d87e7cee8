import type { TrustBundleSpec } from '../policy/types.js';
import {
  BUNDLE_VOLUME,
  ENV_PASSWORD,
  ENV_PATH,
  ENV_TYPE,
  IMAGE_UID,
  INIT_BUNDLE_DIR,
  INIT_CONTAINER,
  INIT_TRUSTSTORE_DIR,
  NIFI_TRUSTSTORE_TYPE,
  TRUSTSTORE_ENV,
  TRUSTSTORE_FILE,
  TRUSTSTORE_VOLUME,
} from './names.js';
import { arrayAt, containsAll, findByName, isJson, objectAt, presence, readPath, type Json } from './pod.js';
import type { StepOutcome } from './step.js';

/** The bundle file name inside the init container, whatever the Secret's key is called. */
const BUNDLE_FILE = 'ca.crt';

/** Pod Security "restricted" for a container that only reads one volume and writes another. */
const RESTRICTED = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

/** Everything the trust bundle adds to a pod, computed from the policy alone. */
export function trustBundleItems(tb: TrustBundleSpec) {
  const file = TRUSTSTORE_FILE[tb.format];
  const passwordEnv: Json = tb.password.secretName
    ? { name: ENV_PASSWORD, valueFrom: { secretKeyRef: { name: tb.password.secretName, key: tb.password.key } } }
    : { name: ENV_PASSWORD, value: tb.password.value };
  const usesPassword = tb.format !== 'pem';
  const initContainer: Json = {
    name: INIT_CONTAINER,
    image: tb.initContainer.image,
    imagePullPolicy: tb.initContainer.imagePullPolicy,
    command: ['nifi-ca-guard'],
    args: [
      'truststore',
      '--bundle', `${INIT_BUNDLE_DIR}/${BUNDLE_FILE}`,
      '--out', `${INIT_TRUSTSTORE_DIR}/${file}`,
      '--type', tb.format,
      ...(usesPassword ? ['--password-env', ENV_PASSWORD] : []),
    ],
    ...(usesPassword ? { env: [structuredClone(passwordEnv)] } : {}),
    resources: structuredClone(tb.initContainer.resources),
    securityContext: structuredClone(RESTRICTED),
    volumeMounts: [
      { name: BUNDLE_VOLUME, mountPath: INIT_BUNDLE_DIR, readOnly: true },
      { name: TRUSTSTORE_VOLUME, mountPath: INIT_TRUSTSTORE_DIR },
    ],
  };
  return {
    volumes: [
      { name: BUNDLE_VOLUME, secret: { secretName: tb.secretName, items: [{ key: tb.key, path: BUNDLE_FILE }] } },
      { name: TRUSTSTORE_VOLUME, emptyDir: {} },
    ] as Json[],
    initContainer,
    /** The part of our init container that identifies it; resources and defaults may be rewritten by the API server. */
    initIdentity: pick(initContainer, ['name', 'image', 'command', 'args', 'volumeMounts']),
    mount: { name: TRUSTSTORE_VOLUME, mountPath: tb.mountPath, readOnly: true } as Json,
    env: [
      { name: ENV_PATH, value: `${tb.mountPath}/${file}` },
      { name: ENV_TYPE, value: NIFI_TRUSTSTORE_TYPE[tb.format] },
      passwordEnv,
    ] as Json[],
  };
}

/**
 * Mounts the shared CA bundle into an init container that writes the truststore into an emptyDir
 * the NiFi containers read. Nothing of the user's is replaced: a name or path already taken by
 * something else skips the whole step with a warning, since half a trust bundle is worse than none.
 */
export function planTrustBundle(pod: Json, tb: TrustBundleSpec): StepOutcome {
  const outcome: StepOutcome = { feature: 'trust-bundle', state: 'present', detail: tb.format, warnings: [] };
  const skip = (why: string): StepOutcome => ({ ...outcome, state: 'skipped', warnings: [...outcome.warnings, `${why}; trust bundle not injected`] });
  const items = trustBundleItems(tb);
  const spec = objectAt(pod, 'spec');
  const containers = spec && Array.isArray(spec.containers) ? spec.containers.filter(isJson) : undefined;
  if (!spec || !containers) return skip('spec.containers is malformed');
  const targets = tb.containers.length === 0 ? containers : containers.filter((c) => tb.containers.includes(String(c.name)));
  for (const name of tb.containers) {
    if (!findByName(containers, name)) outcome.warnings.push(`no container named ${name} to mount the truststore into`);
  }
  if (targets.length === 0) return skip('no container selected');

  // Check every collision before changing anything.
  const volumes = Array.isArray(spec.volumes) ? spec.volumes : spec.volumes == null ? [] : undefined;
  const inits = Array.isArray(spec.initContainers) ? spec.initContainers : spec.initContainers == null ? [] : undefined;
  if (!volumes || !inits) return skip('spec.volumes or spec.initContainers is malformed');
  for (const v of items.volumes) {
    if (presence(volumes, v) === 'conflict') return skip(`volume ${String(v.name)} already exists`);
  }
  const initState = presence(inits, items.initIdentity);
  if (initState === 'conflict') return skip(`init container ${INIT_CONTAINER} already exists`);
  for (const c of targets) {
    const mounts = c.volumeMounts == null ? [] : c.volumeMounts;
    if (!Array.isArray(mounts)) return skip(`container ${String(c.name)} has malformed volumeMounts`);
    const atPath = mounts.find((m) => isJson(m) && String(m.mountPath).replace(/\/+$/, '') === tb.mountPath);
    if (atPath && !containsAll(atPath, items.mount)) return skip(`container ${String(c.name)} already mounts ${tb.mountPath}`);
    if (c.env != null && !Array.isArray(c.env)) return skip(`container ${String(c.name)} has malformed env`);
  }

  const changed = (): void => {
    outcome.state = 'added';
  };
  for (const v of items.volumes) {
    if (presence(volumes, v) === 'absent') {
      arrayAt(spec, 'volumes')!.push(v);
      changed();
    }
  }
  if (initState === 'absent') {
    // A pod-level runAsUser 0 would be inherited, and the kubelet refuses uid 0 under runAsNonRoot.
    if (readPath(spec, 'securityContext', 'runAsUser') === 0) (items.initContainer.securityContext as Json).runAsUser = IMAGE_UID;
    // First, so the truststore exists before any user init container (the toolkit client loads it).
    arrayAt(spec, 'initContainers')!.unshift(items.initContainer);
    changed();
  }
  for (const c of targets) {
    const mounts = arrayAt(c, 'volumeMounts')!;
    if (!mounts.some((m) => containsAll(m, items.mount))) {
      mounts.push(structuredClone(items.mount));
      changed();
    }
    const env = Array.isArray(c.env) ? c.env : [];
    const ours = items.env.every((e) => env.some((x) => containsAll(x, e)));
    const theirs = env.filter((x) => isJson(x) && (TRUSTSTORE_ENV as readonly string[]).includes(String(x.name)));
    if (ours) continue;
    if (theirs.length > 0) {
      outcome.warnings.push(`container ${String(c.name)} sets ${String(theirs[0]!.name)}; its truststore env left as is`);
      continue;
    }
    arrayAt(c, 'env')!.push(...structuredClone(items.env));
    changed();
  }
  if (outcome.state === 'added') outcome.notes = [`added truststore init container (${tb.format}) from Secret ${tb.secretName}`];
  return outcome;
}

function pick(obj: Json, keys: readonly string[]): Json {
  const out: Json = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}
