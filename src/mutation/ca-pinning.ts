import { cloneJson } from '../json.js';
import type { CaPinningSpec } from '../policy/types.js';
import { CA_RESTORE_CONTAINER, CA_SECRET_VOLUME, CA_WORKDIR_VOLUME, INIT_CA_SECRET_DIR } from './names.js';
import { RESTRICTED, applyInjection, injectionConflict, selectContainers } from './injection.js';
import { isJson, readPath, type Json } from './pod.js';
import { scriptOf, shellCommands } from './recognise.js';
import { GROUP_READ, podFsGroup } from './secret-mode.js';
import type { StepOutcome } from './step.js';
import { toolkitContainers } from './targets.js';

/** The toolkit reuses its CA only when started with --useConfigJson (short form -F). */
const USES_CONFIG_JSON = /(^|\s|"|')(--useConfigJson|-F)(\s|"|'|$)/;

/**
 * Whether the toolkit server is started with --useConfigJson. In a shell script only the command
 * that runs the toolkit counts (`tail -F` elsewhere is not the toolkit's flag), plus the variables it
 * expands: cetic/helm-nifi sets OPTIONS="--configJson config.json --useConfigJson" when config.json exists.
 */
export function usesConfigJson(container: Json): boolean {
  const script = scriptOf(container);
  const commands = shellCommands(script);
  const toolkit = commands.filter((part) => /tls-toolkit/.test(part));
  if (toolkit.length === 0) return USES_CONFIG_JSON.test(script);
  return toolkit.some((part) => {
    if (USES_CONFIG_JSON.test(part)) return true;
    const vars = [...part.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g)].map((m) => m[1]!);
    return vars.some((v) => commands.some((cmd) => cmd.startsWith(`${v}=`) && USES_CONFIG_JSON.test(cmd)));
  });
}

/** Everything CA pinning adds to a nifi-ca pod, from the policy and the uid the toolkit runs as. */
export function caPinningItems(cp: CaPinningSpec, runAsUser: number) {
  const initContainer: Json = {
    name: CA_RESTORE_CONTAINER,
    image: cp.initContainer.image,
    imagePullPolicy: cp.initContainer.imagePullPolicy,
    command: ['nifi-ca-guard'],
    args: ['ca', 'restore', '--from', INIT_CA_SECRET_DIR, '--to', cp.workDir],
    resources: cloneJson(cp.initContainer.resources),
    // Same uid as the toolkit: the restored files are 0600 and the toolkit rewrites config.json.
    securityContext: { ...cloneJson(RESTRICTED), runAsUser },
    volumeMounts: [
      { name: CA_SECRET_VOLUME, mountPath: INIT_CA_SECRET_DIR, readOnly: true },
      { name: CA_WORKDIR_VOLUME, mountPath: cp.workDir },
    ],
  };
  return {
    volumes: [
      // The CA's private key and the passwords that open it: readable by owner and group only (see
      // planCaPinning for the fsGroup that lets the restore container, never root, in).
      { name: CA_SECRET_VOLUME, secret: { secretName: cp.secretName, defaultMode: GROUP_READ } },
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
  const sel = selectContainers(pod, cp.containers, toolkitContainers);
  if (typeof sel === 'string') return skip(sel);
  if (sel.note) outcome.warnings.push(sel.note);
  outcome.warnings.push(...sel.missing.map((name) => `no container named ${name} to pin the CA for`));
  if (sel.targets.length === 0) return skip('no toolkit container selected');

  const uid = uidOf(sel.targets[0]!) ?? uidOf(sel.spec) ?? cp.runAsUser;
  const items = caPinningItems(cp, uid);
  const conflict = injectionConflict(sel, items, (c) => {
    // Only an unset workingDir (absent, null or '') is ours to set; anything else is the user's.
    if (c.workingDir != null && typeof c.workingDir !== 'string') return `container ${String(c.name)} has malformed workingDir`;
    const wd = typeof c.workingDir === 'string' ? c.workingDir.replace(/\/+$/, '') : undefined;
    return wd !== undefined && wd !== '' && wd !== cp.workDir ? `container ${String(c.name)} runs in ${wd}, not ${cp.workDir}` : undefined;
  });
  if (conflict) return skip(conflict);
  if (sel.spec.securityContext != null && !isJson(sel.spec.securityContext)) return skip('spec.securityContext is malformed');

  // Without --useConfigJson the server opens an existing keystore with a fresh random password and
  // exits ("Unable to open existing keystore"): restoring the pinned one would stop the CA.
  const blind = sel.targets.find((c) => !usesConfigJson(c));
  if (blind) return skip(`container ${String(blind.name)} lacks --useConfigJson, which a pinned CA needs`);
  if (applyInjection(sel, items)) outcome.state = 'added';
  for (const c of sel.targets) {
    if (typeof c.workingDir !== 'string' || c.workingDir === '') {
      c.workingDir = cp.workDir;
      outcome.state = 'added';
    }
  }
  // The Secret's files are root's, mode 0440: the restore container (uid `uid`) reads them through the
  // pod's fsGroup. A pod without one gets the toolkit's group (its runAsGroup, else its uid, as the
  // toolkit image's nifi user 1000:1000), which only adds that group to the pod's containers and
  // volumes; the nifi-ca pod being pinned keeps its key in the restored emptyDir, not on a large volume.
  const fsGroupNotes: string[] = [];
  // Only where the pod says nothing: a malformed securityContext or fsGroup stays the user's (the API
  // server's validation refuses that pod anyway) rather than being overwritten here.
  const sc = sel.spec.securityContext;
  const fsGroupUnset = sc === undefined || sc === null || (isJson(sc) && (sc.fsGroup === undefined || sc.fsGroup === null));
  if (podFsGroup(sel.spec) === undefined && fsGroupUnset) {
    const group = gidOf(sel.targets[0]!) ?? gidOf(sel.spec) ?? uid;
    if (!isJson(sc)) sel.spec.securityContext = {};
    (sel.spec.securityContext as Json).fsGroup = group;
    fsGroupNotes.push(`set fsGroup ${group}, so the restore reads the CA Secret (mode 0440)`);
    outcome.state = 'added';
  }
  if (outcome.state === 'added') outcome.notes = [`added CA restore init container from Secret ${cp.secretName} into ${cp.workDir}`, ...fsGroupNotes];
  return outcome;
}

function gidOf(holder: Json): number | undefined {
  const v = readPath(holder, 'securityContext', 'runAsGroup');
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

function uidOf(holder: Json): number | undefined {
  const v = readPath(holder, 'securityContext', 'runAsUser');
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}
