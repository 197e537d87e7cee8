import { cloneJson, isJson, type Json } from '../json.js';

/** The arrays of a container the planners add items to (never changing the items already there). */
const CONTAINER_LISTS: readonly string[] = ['env', 'volumeMounts'];

/**
 * The pod the planners work on: copies of exactly what they write, everything else shared with the
 * input (read-only from here on). The planners add items to lists (volumes, initContainers, a
 * container's env and volumeMounts) and set fields on a container or the pod's securityContext; they
 * never change an item already in a list. So the lists and those objects are copied one level deep,
 * their items shared, and only affinity, whose nested lists gain terms, is copied whole. The diff
 * then skips every shared item at once (same reference): the copy and the diff cost what the webhook
 * writes, not the pod's containers, env and mounts. metadata.annotations is copied for mutate.ts.
 * A test runs every fuzzed pod through mutatePod deeply frozen, so a planner writing anywhere else
 * (an existing item included) fails loudly.
 */
export function plannedCopy(pod: Json): Json {
  const out: Json = { ...pod };
  if (isJson(pod.metadata)) {
    const metadata: Json = { ...pod.metadata };
    if (isJson(metadata.annotations)) metadata.annotations = { ...metadata.annotations };
    out.metadata = metadata;
  }
  if (isJson(pod.spec)) {
    const spec: Json = { ...pod.spec };
    if (spec.affinity !== undefined) spec.affinity = cloneJson(spec.affinity);
    if (Array.isArray(spec.volumes)) spec.volumes = spec.volumes.slice();
    if (Array.isArray(spec.initContainers)) spec.initContainers = spec.initContainers.slice();
    if (isJson(spec.securityContext)) spec.securityContext = { ...spec.securityContext };
    if (Array.isArray(spec.containers)) spec.containers = spec.containers.map(containerCopy);
    out.spec = spec;
  }
  return out;
}

function containerCopy(c: unknown): unknown {
  if (!isJson(c)) return c;
  const copy: Json = { ...c };
  for (const key of CONTAINER_LISTS) {
    const list = copy[key];
    if (Array.isArray(list)) copy[key] = list.slice();
  }
  return copy;
}
