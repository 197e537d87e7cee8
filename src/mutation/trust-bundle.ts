import { cloneJson } from '../json.js';
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
import { RESTRICTED, applyInjection, injectionConflict, selectContainers } from './injection.js';
import { arrayAt, containsAll, isJson, readPath, type Json } from './pod.js';
import { commandLine, imageName, imageVersion, runsStartScript, runsToolkit, startScriptReadsTruststoreEnv } from './recognise.js';
import { GROUP_READ, bundleMode } from './secret-mode.js';
import type { StepOutcome } from './step.js';
import { nifiContainers } from './targets.js';

/** The bundle file name inside the init container, whatever the Secret's key is called. */
const BUNDLE_FILE = 'ca.crt';
/** Where both wirings' init containers read the bundle. */
export const BUNDLE_PATH = `${INIT_BUNDLE_DIR}/${BUNDLE_FILE}`;

/** The bundle Secret as a volume; both wirings mount the same one. `mode`: see secret-mode.ts. */
export function bundleVolume(tb: TrustBundleSpec, mode: number = GROUP_READ): Json {
  return { name: BUNDLE_VOLUME, secret: { secretName: tb.secretName, items: [{ key: tb.key, path: BUNDLE_FILE }], defaultMode: mode } };
}

/** TRUSTSTORE_PASSWORD from the policy: a Secret key, or the literal. */
export function passwordEnv(tb: TrustBundleSpec): Json {
  return tb.password.secretName
    ? { name: ENV_PASSWORD, valueFrom: { secretKeyRef: { name: tb.password.secretName, key: tb.password.key } } }
    : { name: ENV_PASSWORD, value: tb.password.value };
}

/** Everything the trust bundle's env wiring adds to a pod, computed from the policy alone. */
/** `runAsUser` only where the pod's own uid would be inherited and is refused (root); `mode`: the bundle file's. */
export function trustBundleItems(tb: TrustBundleSpec, runAsUser?: number, mode: number = GROUP_READ) {
  const file = TRUSTSTORE_FILE[tb.format];
  const password = passwordEnv(tb);
  const usesPassword = tb.format !== 'pem';
  const initContainer: Json = {
    name: INIT_CONTAINER,
    image: tb.initContainer.image,
    imagePullPolicy: tb.initContainer.imagePullPolicy,
    command: ['nifi-ca-guard'],
    args: [
      'truststore',
      '--bundle', BUNDLE_PATH,
      '--out', `${INIT_TRUSTSTORE_DIR}/${file}`,
      '--type', tb.format,
      ...(usesPassword ? ['--password-env', ENV_PASSWORD] : []),
    ],
    ...(usesPassword ? { env: [cloneJson(password)] } : {}),
    resources: cloneJson(tb.initContainer.resources),
    securityContext: { ...cloneJson(RESTRICTED), ...(runAsUser === undefined ? {} : { runAsUser }) },
    volumeMounts: [
      { name: BUNDLE_VOLUME, mountPath: INIT_BUNDLE_DIR, readOnly: true },
      { name: TRUSTSTORE_VOLUME, mountPath: INIT_TRUSTSTORE_DIR },
    ],
  };
  return {
    volumes: [
      bundleVolume(tb, mode),
      { name: TRUSTSTORE_VOLUME, emptyDir: {} },
    ] as Json[],
    initContainer,
    mount: { name: TRUSTSTORE_VOLUME, mountPath: tb.mountPath, readOnly: true } as Json,
    env: [
      { name: ENV_PATH, value: `${tb.mountPath}/${file}` },
      { name: ENV_TYPE, value: NIFI_TRUSTSTORE_TYPE[tb.format] },
      password,
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
  const sel = selectContainers(pod, tb.containers, nifiContainers);
  if (typeof sel === 'string') return skip(sel);
  if (sel.note) outcome.warnings.push(sel.note);
  outcome.warnings.push(...sel.missing.map((name) => `no container named ${name} to mount the truststore into`));
  if (sel.targets.length === 0) return skip('no container selected');
  // A pod-level runAsUser 0 would be inherited, and the kubelet refuses uid 0 under runAsNonRoot.
  const items = trustBundleItems(tb, readPath(sel.spec, 'securityContext', 'runAsUser') === 0 ? IMAGE_UID : undefined, bundleMode(sel.spec));
  const conflict = injectionConflict(sel, items, (c) =>
    c.env != null && !Array.isArray(c.env) ? `container ${String(c.name)} has malformed env` : undefined,
  );
  if (conflict) return skip(conflict);

  if (applyInjection(sel, items)) outcome.state = 'added';
  for (const c of sel.targets) {
    const env = Array.isArray(c.env) ? c.env : [];
    if (items.env.every((e) => env.some((x) => containsAll(x, e)))) continue;
    const theirs = env.find((x) => isJson(x) && (TRUSTSTORE_ENV as readonly string[]).includes(String(x.name)));
    if (theirs) {
      outcome.warnings.push(`container ${String(c.name)} sets ${String((theirs as Json).name)}; its truststore env left as is`);
      outcome.effective = false;
      continue;
    }
    arrayAt(c, 'env')!.push(...cloneJson(items.env));
    outcome.state = 'added';
  }
  for (const c of sel.targets) {
    const problem = unreadEnvProblem(c);
    if (problem) {
      outcome.warnings.push(problem);
      outcome.effective = false;
    }
  }
  if (outcome.state === 'added') outcome.notes = [`added truststore init container (${tb.format}) from Secret ${tb.secretName}`];
  return outcome;
}

/**
 * Why a NiFi container will not read TRUSTSTORE_*, when that is knowable from the pod: it enrols
 * itself and reads the store its toolkit client wrote; its command bypasses the apache/nifi start
 * script (and does not read the variables itself); or that script's mode ignores them.
 */
export function unreadEnvProblem(c: Json): string | undefined {
  const name = String(c.name);
  if (runsToolkit(c, 'client')) return selfEnrolmentProblem(c);
  if (/TRUSTSTORE_(PATH|TYPE|PASSWORD)/.test(commandLine(c))) return undefined; // its own script reads them
  if (!runsStartScript(c)) return `container ${name} replaces the image's start script: TRUSTSTORE_* is never read (use wiring: merge)`;
  if (imageName(c.image) !== 'nifi' || startScriptReadsTruststoreEnv(c) !== 'no') return undefined;
  const v = imageVersion(c.image);
  if (v && hasAuth(c, 'oidc')) return `container ${name}: AUTH=oidc reads TRUSTSTORE_* only from apache/nifi 1.20 (image ${v.join('.')})`;
  return `container ${name}: AUTH is not tls, ldap or oidc, so the start script ignores TRUSTSTORE_*`;
}

/** A container that runs `tls-toolkit.sh client` itself reads the store that run writes, never the bundle's. */
export function selfEnrolmentProblem(c: Json): string {
  return `container ${String(c.name)} enrols itself (tls-toolkit.sh client), so its store never gets the bundle`;
}

function hasAuth(c: Json, value: string): boolean {
  return Array.isArray(c.env) && c.env.some((e) => isJson(e) && e.name === 'AUTH' && e.value === value);
}
