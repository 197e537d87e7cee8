import { cloneJson, isJson, type Json } from '../json.js';

/**
 * What the planners may write: these keys of spec, and metadata.annotations (mutate.ts). A test runs
 * every fuzzed pod through mutatePod deeply frozen, so a planner writing anywhere else fails loudly.
 */
export const PLANNED_SPEC_KEYS: readonly string[] = Object.freeze(['affinity', 'volumes', 'initContainers', 'containers', 'securityContext']);

/**
 * The pod the planners work on: deep copies of what they may write, everything else shared with the
 * input (read-only from here on). The diff then skips the shared parts at once, and the copy costs
 * what the webhook owns, not the whole pod (managedFields, tolerations, status...).
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
    for (const key of PLANNED_SPEC_KEYS) if (Object.prototype.hasOwnProperty.call(spec, key)) spec[key] = cloneJson(spec[key]);
    out.spec = spec;
  }
  return out;
}
