import type { LabelSelector } from '../policy/types.js';

/**
 * What the webhook knows of the cluster beyond the pod under review, from informers that hold metadata
 * only (never Secret data). Every answer may be `undefined`: not known (no informer, not synced, no RBAC
 * for it); a check that lacks its fact says nothing rather than guess. Pure input: mutation never does I/O.
 */
export interface ClusterFacts {
  /** Distinct values of the label `topologyKey` among the cluster's Nodes. */
  topologyDomains(topologyKey: string): number | undefined;
  /** Pods in `namespace` (the one under review not included) whose labels match any of `selectors`. */
  podsMatching(namespace: string, selectors: readonly LabelSelector[]): number | undefined;
  /** Whether the Secret `name` exists in `namespace`. */
  secretExists(namespace: string, name: string): boolean | undefined;
}

/** Knows nothing: preview of files, tests, a webhook without cluster access. */
export const NO_FACTS: ClusterFacts = Object.freeze({
  topologyDomains: () => undefined,
  podsMatching: () => undefined,
  secretExists: () => undefined,
});
