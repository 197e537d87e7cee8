// The shape both injection planners share: volumes, one init container placed first, and one mount
// in each selected container. Collisions are all checked before anything changes.
import { cloneJson } from '../json.js';
import { arrayAt, containsAll, findByName, initContainerPresence, isJson, presence, type Json } from './pod.js';
import type { Picker } from './targets.js';

/** Pod Security "restricted" for an init container that reads one volume and writes another. */
export const RESTRICTED = Object.freeze({
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
});

export interface Injection {
  volumes: Json[];
  initContainer: Json;
  /** The mount each selected container gets; its mountPath must not be taken by anything else. */
  mount: Json;
}

export interface Selection {
  spec: Json;
  targets: Json[];
  /** Names the policy lists that the pod has no container for. */
  missing: string[];
  /** Why the default picker fell back to the pod's default container, if it did. */
  note?: string;
}

/** The pod's spec and the containers a step applies to (`names` empty: whatever `byDefault` picks). */
export function selectContainers(pod: Json, names: readonly string[], byDefault: Picker): Selection | string {
  const spec = pod.spec;
  const containers = isJson(spec) && Array.isArray(spec.containers) ? spec.containers.filter(isJson) : undefined;
  if (!isJson(spec) || !containers) return 'spec.containers is malformed';
  if (names.length === 0) return { spec, ...byDefault(containers, pod), missing: [] };
  return { spec, targets: containers.filter((c) => names.includes(String(c.name))), missing: names.filter((n) => !findByName(containers, n)) };
}

/**
 * Why the injection cannot apply without replacing something that is not ours, or undefined.
 * `extra` adds a step's own per-container check.
 */
export function injectionConflict(sel: Selection, inj: Injection, extra?: (c: Json) => string | undefined): string | undefined {
  const { spec } = sel;
  const volumes = Array.isArray(spec.volumes) ? spec.volumes : spec.volumes == null ? [] : undefined;
  const inits = Array.isArray(spec.initContainers) ? spec.initContainers : spec.initContainers == null ? [] : undefined;
  if (!volumes || !inits) return 'spec.volumes or spec.initContainers is malformed';
  for (const v of inj.volumes) {
    if (presence(volumes, v) === 'conflict') return `volume ${String(v.name)} already exists`;
  }
  if (initContainerPresence(inits, inj.initContainer) === 'conflict') return `init container ${String(inj.initContainer.name)} already exists`;
  const path = String(inj.mount.mountPath);
  for (const c of sel.targets) {
    const mounts = c.volumeMounts == null ? [] : c.volumeMounts;
    if (!Array.isArray(mounts)) return `container ${String(c.name)} has malformed volumeMounts`;
    const atPath = mounts.find((m) => isJson(m) && String(m.mountPath).replace(/\/+$/, '') === path);
    if (atPath && !containsAll(atPath, inj.mount)) return `container ${String(c.name)} already mounts ${path}`;
    const problem = extra?.(c);
    if (problem) return problem;
  }
  return undefined;
}

/** Adds whatever of the injection is missing (call after injectionConflict); true when the pod changed. */
export function applyInjection(sel: Selection, inj: Injection): boolean {
  const { spec } = sel;
  let changed = false;
  for (const v of inj.volumes) {
    if (presence(Array.isArray(spec.volumes) ? spec.volumes : [], v) === 'absent') {
      arrayAt(spec, 'volumes')!.push(cloneJson(v));
      changed = true;
    }
  }
  if (initContainerPresence(Array.isArray(spec.initContainers) ? spec.initContainers : [], inj.initContainer) === 'absent') {
    // First: what it writes must exist before any other init container (or the app) starts.
    arrayAt(spec, 'initContainers')!.unshift(cloneJson(inj.initContainer));
    changed = true;
  }
  for (const c of sel.targets) {
    const mounts = arrayAt(c, 'volumeMounts')!;
    if (!mounts.some((m) => containsAll(m, inj.mount))) {
      mounts.push(cloneJson(inj.mount));
      changed = true;
    }
  }
  return changed;
}
