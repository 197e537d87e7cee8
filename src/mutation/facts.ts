import { selectorMatches } from '../policy/match.js';
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

/** Metadata lists, as read by an informer or by one-off lists (`explain --pod`). */
export interface FactLists {
  /** Each Node's labels; undefined: nodes not known. */
  nodes?: ReadonlyArray<Readonly<Record<string, string>>>;
  /** Pods' namespace and labels; undefined: pods not known. */
  pods?: ReadonlyArray<{ namespace: string; labels: Readonly<Record<string, string>> }>;
  /** `namespace/name` of Secrets known to exist; undefined: not known. */
  secrets?: ReadonlySet<string>;
  /** `namespace/name` of Secrets whose existence was checked (present or not); a name outside it is not known. */
  secretsChecked?: ReadonlySet<string>;
  /** Secret names watched in every namespace (a metadata watch by name): absent from `secrets` means missing. */
  secretNamesKnown?: ReadonlySet<string>;
}

/** ClusterFacts over metadata lists: what the live informers and `explain --pod` both answer from. */
export function factsFrom(lists: FactLists): ClusterFacts {
  return {
    topologyDomains: (key) => {
      if (!lists.nodes) return undefined;
      const values = new Set<string>();
      for (const labels of lists.nodes) if (Object.prototype.hasOwnProperty.call(labels, key)) values.add(labels[key]!);
      return values.size;
    },
    podsMatching: (namespace, selectors) => {
      if (!lists.pods) return undefined;
      let n = 0;
      for (const p of lists.pods) if (p.namespace === namespace && selectors.some((s) => selectorMatches(s, p.labels))) n++;
      return n;
    },
    secretExists: (namespace, name) => {
      const id = `${namespace}/${name}`;
      if (lists.secrets?.has(id)) return true;
      return lists.secretsChecked?.has(id) || lists.secretNamesKnown?.has(name) ? false : undefined;
    },
  };
}
