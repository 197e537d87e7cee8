// What the two injecting planners (trust bundle, CA pinning) share: the shape of what they add, the
// restricted security context, the collision check before any change, and adding what is absent.
import { arrayAt, containsAll, findByName, isJson, presence, type Json } from './pod.js';

/** Pod Security "restricted" for an init container that only reads one volume and writes another. */
export const RESTRICTED: Readonly<Json> = Object.freeze({
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
});

/** Volumes, one init container and one mount for the target containers. */
export interface Injection {
  volumes: Json[];
  initContainer: Json;
  /** The part of the init container that identifies it; resources and defaults may be rewritten by the API server. */
  initIdentity: Json;
  mount: Json;
}

/** The containers a step applies to (every one when `names` is empty), and the names the pod lacks. */
export function selectContainers(containers: readonly Json[], names: readonly string[]): { targets: Json[]; missing: string[] } {
  return {
    targets: names.length === 0 ? [...containers] : containers.filter((c) => names.includes(String(c.name))),
    missing: names.filter((n) => !findByName(containers, n)),
  };
}

export function initIdentity(initContainer: Json): Json {
  const out: Json = {};
  for (const k of ['name', 'image', 'command', 'args', 'volumeMounts']) if (initContainer[k] !== undefined) out[k] = initContainer[k];
  return out;
}

/**
 * Why the injection would overwrite something of the user's (a volume or init container with our
 * name but other content, another mount at our path), or undefined when it is safe.
 */
export function collision(spec: Json, targets: readonly Json[], items: Injection): string | undefined {
  const volumes = spec.volumes == null ? [] : spec.volumes;
  const inits = spec.initContainers == null ? [] : spec.initContainers;
  if (!Array.isArray(volumes) || !Array.isArray(inits)) return 'spec.volumes or spec.initContainers is malformed';
  for (const v of items.volumes) {
    if (presence(volumes, v) === 'conflict') return `volume ${String(v.name)} already exists`;
  }
  if (presence(inits, items.initIdentity) === 'conflict') return `init container ${String(items.initContainer.name)} already exists`;
  const path = String(items.mount.mountPath);
  for (const c of targets) {
    const mounts = c.volumeMounts == null ? [] : c.volumeMounts;
    if (!Array.isArray(mounts)) return `container ${String(c.name)} has malformed volumeMounts`;
    const atPath = mounts.find((m) => isJson(m) && String(m.mountPath).replace(/\/+$/, '') === path);
    if (atPath && !containsAll(atPath, items.mount)) return `container ${String(c.name)} already mounts ${path}`;
  }
  return undefined;
}

/**
 * Adds what is absent, once `collision` found nothing: volumes at the end, the init container first
 * (it must run before anything else in the pod), the mount on each target. True when the pod changed.
 */
export function inject(spec: Json, targets: readonly Json[], items: Injection): boolean {
  let changed = false;
  for (const v of items.volumes) {
    const volumes = arrayAt(spec, 'volumes')!;
    if (presence(volumes, v) === 'absent') {
      volumes.push(v);
      changed = true;
    }
  }
  const inits = arrayAt(spec, 'initContainers')!;
  if (presence(inits, items.initIdentity) === 'absent') {
    inits.unshift(items.initContainer);
    changed = true;
  }
  for (const c of targets) {
    const mounts = arrayAt(c, 'volumeMounts')!;
    if (!mounts.some((m) => containsAll(m, items.mount))) {
      mounts.push(structuredClone(items.mount));
      changed = true;
    }
  }
  return changed;
}
