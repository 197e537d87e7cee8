// Small workload objects for the suggest tables: real Kubernetes shapes, read through the real find.ts.
import type { Json } from '../../../src/mutation/pod.js';
import { workloads } from '../../../src/suggest/find.js';
import type { Workload } from '../../../src/suggest/types.js';

export interface Shape {
  kind?: string;
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  /** The workload's own metadata.labels (charts put chart and heritage there). */
  ownerLabels?: Record<string, string>;
  selector?: Record<string, string>;
  replicas?: number;
  spec: Json;
}

export function workloadObject(s: Shape): Json {
  const meta: Json = { name: s.name ?? 'w', ...(s.namespace ? { namespace: s.namespace } : {}), ...(s.ownerLabels ? { labels: s.ownerLabels } : {}) };
  if ((s.kind ?? 'StatefulSet') === 'Pod') return { apiVersion: 'v1', kind: 'Pod', metadata: { ...meta, labels: s.labels ?? {} }, spec: s.spec };
  return {
    apiVersion: 'apps/v1',
    kind: s.kind ?? 'StatefulSet',
    metadata: meta,
    spec: {
      ...(s.replicas !== undefined ? { replicas: s.replicas } : {}),
      ...(s.selector ? { selector: { matchLabels: s.selector } } : {}),
      template: { metadata: { labels: s.labels ?? {} }, spec: s.spec },
    },
  };
}

export function workload(s: Shape): Workload {
  return workloads([workloadObject(s)])[0]!;
}

export const NIFI_CONTAINER: Json = { name: 'nifi', image: 'apache/nifi:1.28.1', env: [{ name: 'AUTH', value: 'tls' }] };
export const CA_CONTAINER: Json = { name: 'ca', image: 'apache/nifi-toolkit:1.28.1', args: ['tls-toolkit.sh', 'server', '--configJson', 'config.json', '--useConfigJson'] };
export const OTHER_CONTAINER: Json = { name: 'zk', image: 'bitnami/zookeeper:3.6' };

export const nifiSpec = (extra: Json = {}): Json => ({ containers: [NIFI_CONTAINER], ...extra });
export const caSpec = (extra: Json = {}): Json => ({ containers: [CA_CONTAINER], ...extra });
