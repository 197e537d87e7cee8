import type { PolicySpec } from '../policy/types.js';
import type { ClusterFacts } from './facts.js';
import type { FactProblem } from './fact-problem.js';

/**
 * Required anti-affinity keeps NiFi and nifi-ca pods in distinct topology domains. NiFi pods usually
 * spread one per domain (their charts prefer it), and running pods never move (IgnoredDuringExecution):
 * with fewer domains than NiFi pods plus the CA, the one that comes last finds none free and stays
 * Pending, as when nifi-ca is rescheduled after a node loss. Only counts are known (metadata of Nodes
 * and pods), not where pods run, hence "may"; with a single domain it is certain. Nodes lacking the
 * label are no domain and block nothing, so 0 domains says nothing. Silent when a count is not known.
 */
export function placementCapacityProblem(role: 'nifi' | 'nifi-ca', namespace: string, spec: Readonly<PolicySpec>, facts: ClusterFacts): FactProblem | undefined {
  if (spec.placement.mode !== 'required') return undefined;
  const key = spec.placement.topologyKey;
  const domains = facts.topologyDomains(key);
  const others = facts.podsMatching(namespace, spec.nifi.selectors);
  if (domains === undefined || others === undefined || domains === 0) return undefined;
  const nifi = others + (role === 'nifi' ? 1 : 0);
  if (domains >= nifi + 1) return undefined;
  const fate = domains < 2 ? 'will' : 'may';
  return {
    kind: 'placement-unsatisfiable',
    text: `required anti-affinity: ${domains} ${unit(key, domains)} for ${nifi} NiFi + nifi-ca; a pod ${fate} stay Pending; use preferred/add nodes`,
  };
}

/** "3 nodes" for the hostname key, "2 zones" for topology.kubernetes.io/zone: the key itself would not fit in a warning. */
function unit(key: string, n: number): string {
  const word = key === 'kubernetes.io/hostname' ? 'node' : key.slice(key.lastIndexOf('/') + 1);
  return n === 1 ? word : `${word}s`;
}
