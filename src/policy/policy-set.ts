import { namespaceSelected } from './match.js';
import type { Policy } from './types.js';

/**
 * The policies in force: NiFiTrustPolicy objects from the cluster (one per NiFi cluster, sorted by
 * name) and the fallback (a local file or the built-in default) for namespaces none of them claims.
 */
export interface PolicySet {
  readonly fallback: Policy;
  readonly cluster: readonly Policy[];
}

export type Resolution = { kind: 'policy'; policy: Policy } | { kind: 'conflict'; policies: readonly Policy[] };

export function singlePolicy(policy: Policy): PolicySet {
  return { fallback: policy, cluster: [] };
}

/** The one policy that governs a namespace; several cluster policies claiming it is a conflict. */
export function resolvePolicy(set: PolicySet, namespace: string): Resolution {
  const claiming = set.cluster.filter((p) => namespaceSelected(p.spec.namespaces, namespace));
  if (claiming.length === 0) return { kind: 'policy', policy: set.fallback };
  if (claiming.length === 1) return { kind: 'policy', policy: claiming[0]! };
  return { kind: 'conflict', policies: claiming };
}
