// What `preview` can know of the cluster from the files themselves: the pods the workloads in them
// create (replicas), and the Secrets they hold; plus the node count the operator gives (--nodes). The
// same checks as the webhook's then warn offline: required anti-affinity on too few nodes, before
// anything is installed. What the files cannot say (the cluster's own Secrets and pods) stays unknown.
import { factsFrom, type ClusterFacts } from '../mutation/facts.js';
import { isJson, podLabels, type Json } from '../mutation/pod.js';
import { findTemplate, podFromTemplate } from './templates.js';

/** The pods an object creates when its spec says how many; undefined when it depends on the cluster (DaemonSet). */
export function podCount(obj: Json): number | undefined {
  const spec = isJson(obj.spec) ? obj.spec : {};
  const count = (v: unknown): number | undefined => (v === undefined ? 1 : typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);
  switch (obj.kind) {
    case 'Pod':
    case 'CronJob':
      return 1;
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet':
    case 'ReplicationController':
      return count(spec.replicas);
    case 'Job':
      return count(spec.parallelism);
    default:
      return undefined;
  }
}

interface Created {
  namespace: string;
  labels: Record<string, string>;
  count: number;
}

/**
 * One ClusterFacts per object, for previewing that object: the pods every other object creates, and
 * the others of its own (a StatefulSet of 3 previews one pod beside 2 more). `nodes`: distinct values
 * of the policy's topologyKey among the cluster's nodes, as the operator says; undefined: not known.
 */
export function previewFacts(objects: readonly Json[], defaultNamespace: string, nodes: number | undefined): (index: number) => ClusterFacts {
  const created: Array<Created | undefined> = objects.map((obj) => {
    const template = findTemplate(obj);
    const count = podCount(obj);
    if (!template || count === undefined) return undefined;
    const meta = isJson(obj.metadata) ? obj.metadata : {};
    const namespace = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : defaultNamespace;
    return { namespace, labels: podLabels(podFromTemplate(template)), count };
  });
  const secrets = new Set<string>();
  for (const obj of objects) {
    const meta = isJson(obj.metadata) ? obj.metadata : {};
    if (obj.kind === 'Secret' && typeof meta.name === 'string') {
      secrets.add(`${typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : defaultNamespace}/${meta.name}`);
    }
  }
  return (index) => {
    const pods = created.flatMap((c, j) => (c ? Array.from({ length: Math.max(0, c.count - (j === index ? 1 : 0)) }, () => ({ namespace: c.namespace, labels: c.labels })) : []));
    const base = factsFrom({ pods });
    return {
      topologyDomains: () => nodes,
      podsMatching: base.podsMatching,
      // A Secret in the files will exist; one not in them may exist in the cluster already: not known.
      secretExists: (namespace, name) => (secrets.has(`${namespace}/${name}`) ? true : undefined),
    };
  };
}
