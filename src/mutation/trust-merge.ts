// Merge wiring: right after the pod's own enrolment init container (tls-toolkit.sh client), an init
// container adds every bundle CA into the store enrolment wrote, in place. NiFi reads that store with
// the password enrolment chose, so the chart's containers and values stay exactly as they are.
import { cloneJson } from '../json.js';
import type { TrustBundleSpec } from '../policy/types.js';
import { BUNDLE_VOLUME, ENV_PASSWORD, INIT_BUNDLE_DIR, INIT_TARGET_DIR, MERGE_CONTAINER } from './names.js';
import { RESTRICTED } from './injection.js';
import { arrayAt, findByName, initContainerPresence, isJson, presence, type Json } from './pod.js';
import { runAsUserOf, runsToolkit } from './recognise.js';
import type { StepOutcome } from './step.js';
import { nifiContainers } from './targets.js';
import { GROUP_READ, bundleMode } from './secret-mode.js';
import { BUNDLE_PATH, bundleVolume, passwordEnv, selfEnrolmentProblem } from './trust-bundle.js';

/** Everything the merge wiring adds, from the policy and the uid enrolment runs as. */
export function trustMergeItems(tb: TrustBundleSpec, runAsUser: number, mode: number = GROUP_READ) {
  const m = tb.merge;
  const fromPolicy = m.passwordFile === '';
  const passwordArgs = fromPolicy
    ? ['--password-env', ENV_PASSWORD]
    : ['--password-file', `${INIT_TARGET_DIR}/${m.passwordFile}`, ...(m.passwordKey ? ['--password-json-key', m.passwordKey] : [])];
  const initContainer: Json = {
    name: MERGE_CONTAINER,
    image: tb.initContainer.image,
    imagePullPolicy: tb.initContainer.imagePullPolicy,
    command: ['nifi-ca-guard'],
    args: ['truststore', '--merge', '--bundle', BUNDLE_PATH, '--out', `${INIT_TARGET_DIR}/${m.store}`, '--type', m.storeType, ...passwordArgs],
    ...(fromPolicy ? { env: [passwordEnv(tb)] } : {}),
    resources: cloneJson(tb.initContainer.resources),
    // Enrolment's uid: the store and its directory are that user's, and the merge renames a new file in.
    securityContext: { ...cloneJson(RESTRICTED), runAsUser },
    volumeMounts: [
      { name: BUNDLE_VOLUME, mountPath: INIT_BUNDLE_DIR, readOnly: true },
      { name: m.volume, mountPath: INIT_TARGET_DIR },
    ],
  };
  return {
    volume: bundleVolume(tb, mode),
    initContainer,
  };
}

/**
 * Inserts the merge step after the enrolment init container the policy names. A missing enrolment
 * container or volume, or a name already taken by something else, skips the step with a warning:
 * the merge would fail in the pod, leaving it stuck in Init.
 */
export function planTrustMerge(pod: Json, tb: TrustBundleSpec): StepOutcome {
  const m = tb.merge;
  const outcome: StepOutcome = { feature: 'trust-bundle', state: 'present', detail: 'merge', warnings: [] };
  const skip = (why: string): StepOutcome => ({ ...outcome, state: 'skipped', warnings: [...outcome.warnings, `${why}; trust bundle not merged`] });
  const spec = pod.spec;
  if (!isJson(spec) || !Array.isArray(spec.containers)) return skip('spec.containers is malformed');
  // Checked first: a NiFi container that enrols itself overwrites whatever an init container merged,
  // and one that does not mount the volume never reads the merged store (cetic without clusterSecure).
  const nifi = nifiContainers(spec.containers.filter(isJson), pod).targets;
  for (const c of nifi) {
    if (runsToolkit(c, 'client')) {
      outcome.warnings.push(selfEnrolmentProblem(c));
      outcome.effective = false;
    }
  }
  if (nifi.length > 0 && !nifi.some((c) => Array.isArray(c.volumeMounts) && c.volumeMounts.some((x) => isJson(x) && x.name === m.volume))) {
    outcome.warnings.push(`no NiFi container mounts volume ${m.volume}, so NiFi never reads the merged store`);
    outcome.effective = false;
  }
  const inits = spec.initContainers == null ? [] : spec.initContainers;
  const volumes = spec.volumes == null ? [] : spec.volumes;
  if (!Array.isArray(inits) || !Array.isArray(volumes)) return skip('spec.volumes or spec.initContainers is malformed');
  const after = findByName(inits, m.after);
  if (!after) return skip(`no init container ${m.after} to merge after`);
  if (!findByName(volumes, m.volume)) return skip(`no volume ${m.volume} holding the truststore`);
  const mounts = Array.isArray(after.volumeMounts) ? after.volumeMounts : [];
  if (!mounts.some((x) => isJson(x) && x.name === m.volume)) return skip(`init container ${m.after} does not mount volume ${m.volume}`);
  const uid = runAsUserOf(spec, after) ?? m.runAsUser;
  if (uid === 0) return skip(`init container ${m.after} runs as root, so a non-root merge cannot write its store`);

  const items = trustMergeItems(tb, uid, bundleMode(spec));
  const volume = presence(volumes, items.volume);
  if (volume === 'conflict') return skip(`volume ${BUNDLE_VOLUME} already exists`);
  const mine = initContainerPresence(inits, items.initContainer);
  if (mine === 'conflict') return skip(`init container ${MERGE_CONTAINER} already exists`);

  if (volume === 'absent') {
    arrayAt(spec, 'volumes')!.push(cloneJson(items.volume));
    outcome.state = 'added';
  }
  if (mine === 'absent') {
    const list = arrayAt(spec, 'initContainers')!;
    list.splice(list.indexOf(after) + 1, 0, cloneJson(items.initContainer));
    outcome.state = 'added';
  }
  if (outcome.state === 'added') outcome.notes = [`added trust merge after ${m.after} into ${m.volume}:${m.store} from Secret ${tb.secretName}`];
  return outcome;
}
