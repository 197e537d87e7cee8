import type { LabelSelector, Policy } from '../policy/types.js';
import type { Role } from './result.js';
import { namespaceSelected, selectorMatches } from '../policy/match.js';

export interface Classification {
  role: Role;
  reason: string;
  /** Both roles matched: the policy is ambiguous for this pod and nothing is changed. */
  ambiguous: boolean;
}

/** Decides a pod's role from its labels and namespace alone. */
export function classify(labels: Readonly<Record<string, string>>, namespace: string, policy: Policy): Classification {
  const { spec } = policy;
  if (!namespaceSelected(spec.namespaces, namespace)) {
    return { role: 'none', reason: `namespace ${namespace} is outside policy ${policy.name}`, ambiguous: false };
  }
  const nifi = firstMatch(spec.nifi.selectors, labels);
  const ca = firstMatch(spec.ca.selectors, labels);
  if (nifi >= 0 && ca >= 0) {
    return { role: 'none', reason: `labels match both spec.nifi.selectors[${nifi}] and spec.ca.selectors[${ca}]`, ambiguous: true };
  }
  if (nifi >= 0) return { role: 'nifi', reason: `labels match spec.nifi.selectors[${nifi}]`, ambiguous: false };
  if (ca >= 0) return { role: 'nifi-ca', reason: `labels match spec.ca.selectors[${ca}]`, ambiguous: false };
  return { role: 'none', reason: 'labels match no NiFi or nifi-ca selector', ambiguous: false };
}

function firstMatch(selectors: readonly LabelSelector[], labels: Readonly<Record<string, string>>): number {
  return selectors.findIndex((s) => selectorMatches(s, labels));
}
