import { resolvePolicy, type PolicySet } from '../policy/policy-set.js';
import { classify } from './classify.js';
import { NO_FACTS, type ClusterFacts } from './facts.js';
import { mutatePod } from './mutate.js';
import { podLabels, type Json } from './pod.js';
import type { MutationResult } from './result.js';
import { warning } from './warnings.js';

/**
 * mutatePod under the policy that governs the pod's namespace. When several cluster policies claim
 * the namespace, nothing is changed: guessing between two cluster configurations could inject the
 * wrong trust bundle. The warning appears only for pods one of them would have mutated.
 */
export function mutateUnder(pod: Json, namespace: string, set: PolicySet, facts: ClusterFacts = NO_FACTS): MutationResult {
  const r = resolvePolicy(set, namespace);
  if (r.kind === 'policy') return mutatePod(pod, namespace, r.policy, facts);
  const names = r.policies.map((p) => p.name).join(', ');
  const labels = podLabels(pod);
  const concerned = r.policies.some((p) => {
    const c = classify(labels, namespace, p);
    return c.role !== 'none' || c.ambiguous;
  });
  return {
    role: 'none',
    reason: `namespace ${namespace} is claimed by policies ${names}`,
    patch: [],
    pod,
    warnings: concerned ? [warning(`namespace ${namespace} is claimed by policies ${names}; not mutated`)] : [],
    auditAnnotations: concerned ? { decision: 'conflict', policies: names } : {},
    steps: [],
  };
}

/**
 * Whether mutateUnder could do anything for this pod (plan, warn or refuse to choose): false for the pods
 * no policy in force selects, which the webhook then answers without looking further into them.
 */
export function concernsAnyPolicy(pod: Json, namespace: string, set: PolicySet): boolean {
  const r = resolvePolicy(set, namespace);
  const labels = podLabels(pod);
  const policies = r.kind === 'policy' ? [r.policy] : r.policies;
  return policies.some((p) => {
    const c = classify(labels, namespace, p);
    return c.role !== 'none' || c.ambiguous;
  });
}
