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
  // Scalars are counted where they sit; only objects and arrays go on the stack (no array per value).
  let values = 1;
  const stack: object[] = [pod];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (Array.isArray(v)) {
      values += v.length;
      if (values > POD_LIMITS.values) return `over ${POD_LIMITS.values} JSON values`;
      for (let i = 0; i < v.length; i++) {
        const child: unknown = v[i];
        if (child !== null && typeof child === 'object') stack.push(child);
      }
    } else {
      for (const key in v) {
        if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
        if (++values > POD_LIMITS.values) return `over ${POD_LIMITS.values} JSON values`;
        const child: unknown = (v as Record<string, unknown>)[key];
        if (child !== null && typeof child === 'object') stack.push(child);
      }
    }
  }
  return undefined;
}
