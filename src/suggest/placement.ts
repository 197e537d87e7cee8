// Placement stays the default (required anti-affinity); the comment says what that asks of the cluster.
import { DEFAULT_SPEC } from '../policy/defaults.js';
import type { Workload } from './types.js';

const ONE_POD_BY_DEFAULT = new Set(['Pod', 'StatefulSet', 'Deployment', 'ReplicaSet', 'ReplicationController']);

/** NiFi pods the input asks for, or undefined when a kind makes it unknowable (DaemonSet, Job). */
export function nifiPodCount(nifi: readonly Workload[]): number | undefined {
  let n = 0;
  for (const w of nifi) {
    const kind = String(w.owner.kind);
    if (!ONE_POD_BY_DEFAULT.has(kind)) return undefined;
    n += w.replicas ?? 1;
  }
  return n;
}

export function placementComment(nifi: readonly Workload[]): string[] {
  const n = nifiPodCount(nifi);
  const key = DEFAULT_SPEC.placement.topologyKey;
  const nodes = n === undefined ? 'one node more than it has NiFi nodes' : `${n + 1} nodes (${n} NiFi pod${n === 1 ? '' : 's'} + nifi-ca)`;
  return [
    `required: nifi-ca never shares a node (${key}) with a NiFi pod, so one node loss cannot take both. The cluster needs ${nodes}; with fewer, nifi-ca stays Pending: choose mode: preferred knowingly.`,
  ];
}
