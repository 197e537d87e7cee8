import type { CaPinningSpec } from '../policy/types.js';
import { CA_RESTORE_CONTAINER, CA_SECRET_VOLUME, CA_WORKDIR_VOLUME, INIT_CA_SECRET_DIR } from './names.js';
import { arrayAt, containsAll, findByName, initContainerPresence, isJson, objectAt, presence, readPath, type Json } from './pod.js';
import type { StepOutcome } from './step.js';

/** Pod Security "restricted", as for the truststore init container; the uid is the toolkit's. */
const RESTRICTED = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

/** The toolkit reuses its CA only when started with --useConfigJson (short form -F). */
const USES_CONFIG_JSON = /(^|\s|")(--useConfigJson|-F)(\s|"|$)/;

/** Everything CA pinning adds to a nifi-ca pod, from the policy and the uid the toolkit runs as. */
export function caPinningItems(cp: CaPinningSpec, runAsUser: number) {
  const initContainer: Json = {
    name: CA_RESTORE_CONTAINER,
    image: cp.initContainer.image,
    imagePullPolicy: cp.initContainer.imagePullPolicy,
    command: ['nifi-ca-guard'],
    args: ['ca', 'restore', '--from', INIT_CA_SECRET_DIR, '--to', cp.workDir],
    resources: structuredClone(cp.initContainer.resources),
    // Same uid as the toolkit: the restored files are 0600 and the toolkit rewrites config.json.
    securityContext: { ...structuredClone(RESTRICTED), runAsUser },
    volumeMounts: [
      { name: CA_SECRET_VOLUME, mountPath: INIT_CA_SECRET_DIR, readOnly: true },
      { name: CA_WORKDIR_VOLUME, mountPath: cp.workDir },
    ],
  };
  return {
    volumes: [
      { name: CA_SECRET_VOLUME, secret: { secretName: cp.secretName } },
      { name: CA_WORKDIR_VOLUME, emptyDir: {} },
    ] as Json[],
    initContainer,
    mount: { name: CA_WORKDIR_VOLUME, mountPath: cp.workDir } as Json,
  };
}

/**
 * Restores nifi-ca's keystore and config.json from the pinned CA's Secret into an emptyDir at the
 * toolkit's working directory, before the toolkit starts. A working directory that is already a
 * volume, or a container running elsewhere, skips the whole step with a warning: never a clobber.
 */
export function planCaPinning(pod: Json, cp: CaPinningSpec): StepOutcome {
  const outcome: StepOutcome = { feature: 'ca-pinning', state: 'present', detail: cp.secretName, warnings: [] };
  const skip = (why: string): StepOutcome => ({ ...outcome, state: 'skipped', warnings: [...outcome.warnings, `${why}; CA pinning not injected`] });
  const spec = objectAt(pod, 'spec');
  const containers = spec && Array.isArray(spec.containers) ? spec.containers.filter(isJson) : undefined;
  if (!spec || !containers) return skip('spec.containers is malformed');
  const targets = cp.containers.length === 0 ? containers : containers.filter((c) => cp.containers.includes(String(c.name)));
  for (const name of cp.containers) {
    if (!findByName(containers, name)) outcome.warnings.push(`no container named ${name} to pin the CA for`);
  }
  if (targets.length === 0) return skip('no toolkit container selected');

  const uid = uidOf(targets[0]!) ?? uidOf(spec) ?? cp.runAsUser;
  const items = caPinningItems(cp, uid);

  // Check every collision before changing anything.
  const volumes = Array.isArray(spec.volumes) ? spec.volumes : spec.volumes == null ? [] : undefined;
  const inits = Array.isArray(spec.initContainers) ? spec.initContainers : spec.initContainers == null ? [] : undefined;
  if (!volumes || !inits) return skip('spec.volumes or spec.initContainers is malformed');
  for (const v of items.volumes) {
    if (presence(volumes, v) === 'conflict') return skip(`volume ${String(v.name)} already exists`);
  }
  const initState = initContainerPresence(inits, items.initContainer);
  if (initState === 'conflict') return skip(`init container ${CA_RESTORE_CONTAINER} already exists`);
  for (const c of targets) {
    const mounts = c.volumeMounts == null ? [] : c.volumeMounts;
    if (!Array.isArray(mounts)) return skip(`container ${String(c.name)} has malformed volumeMounts`);
    const atPath = mounts.find((m) => isJson(m) && String(m.mountPath).replace(/\/+$/, '') === cp.workDir);
    if (atPath && !containsAll(atPath, items.mount)) return skip(`container ${String(c.name)} already mounts ${cp.workDir}`);
    const wd = typeof c.workingDir === 'string' ? c.workingDir.replace(/\/+$/, '') : undefined;
    if (wd !== undefined && wd !== '' && wd !== cp.workDir) return skip(`container ${String(c.name)} runs in ${wd}, not ${cp.workDir}`);
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
    // First: the working directory must be restored before anything else in the pod starts.
    arrayAt(spec, 'initContainers')!.unshift(items.initContainer);
    changed();
  }
  for (const c of targets) {
    const mounts = arrayAt(c, 'volumeMounts')!;
    if (!mounts.some((m) => containsAll(m, items.mount))) {
      mounts.push(structuredClone(items.mount));
      changed();
    }
    if (typeof c.workingDir !== 'string' || c.workingDir === '') {
      c.workingDir = cp.workDir;
      changed();
    }
    const line = [c.command, c.args].flatMap((v) => (Array.isArray(v) ? v.map(String) : [])).join(' ');
    if (!USES_CONFIG_JSON.test(line)) outcome.warnings.push(`container ${String(c.name)} lacks --useConfigJson: toolkit will not reuse the pinned CA`);
  }
  if (outcome.state === 'added') outcome.notes = [`added CA restore init container from Secret ${cp.secretName} into ${cp.workDir}`];
  return outcome;
}

function uidOf(holder: Json): number | undefined {
  const v = readPath(holder, 'securityContext', 'runAsUser');
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}
