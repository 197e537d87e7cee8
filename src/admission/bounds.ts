import { isJson } from '../json.js';

/**
 * How much of a pod the webhook will plan for. The HTTP body limit bounds memory; these bound time:
 * planning is linear in containers (each one cloned and scanned) and super-linear in huge label maps,
 * and the API server gives up after timeoutSeconds (<= 5 s in our configuration). Real pods stay far
 * below: tens of containers, a few thousand JSON values. Measured (test/bench/abuse.bench.ts): a pod at
 * these limits is answered in well under a second; 408k labels took 3.7 s.
 */
export const POD_LIMITS = Object.freeze({
  /** containers + initContainers + ephemeralContainers */
  containers: 1_000,
  /** every object, array and scalar in the pod, keys not counted */
  values: 50_000,
});

/**
 * Why the pod is beyond what the webhook plans for, or undefined. Iterative and stops at the first
 * limit crossed, so it costs at most `values` steps whatever the pod.
 */
export function podTooLarge(pod: Record<string, unknown>): string | undefined {
  const spec = pod.spec;
  if (isJson(spec)) {
    let containers = 0;
    for (const key of ['containers', 'initContainers', 'ephemeralContainers']) {
      const list = spec[key];
      if (Array.isArray(list)) containers += list.length;
    }
    if (containers > POD_LIMITS.containers) return `${containers} containers, over ${POD_LIMITS.containers}`;
  }
  let values = 0;
  const stack: unknown[] = [pod];
  while (stack.length > 0) {
    const v = stack.pop();
    if (++values > POD_LIMITS.values) return `over ${POD_LIMITS.values} JSON values`;
    if (v !== null && typeof v === 'object') {
      for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push(child);
    }
  }
  return undefined;
}
