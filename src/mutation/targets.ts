// Which containers a step applies to when the policy names none: the NiFi containers for the trust
// bundle, the toolkit CA server for CA pinning. Sidecars (log tailers, proxies) are never touched.
import { isNiFiContainer, isToolkitServer } from './recognise.js';
import { findByName, readPath, type Json } from './pod.js';

export interface Picked {
  targets: Json[];
  /** Set when nothing was recognised and the pod's default container was taken instead. */
  note?: string;
}

export type Picker = (containers: Json[], pod: Json) => Picked;

/** Containers that run NiFi (see recognise.ts), else the pod's default container. */
export const nifiContainers: Picker = (containers, pod) => pick(containers, pod, isNiFiContainer, 'NiFi (image apache/nifi, nifi.sh)');

/** Containers that run the toolkit CA server, else the pod's default container. */
export const toolkitContainers: Picker = (containers, pod) => pick(containers, pod, isToolkitServer, 'a toolkit server');

function pick(containers: Json[], pod: Json, is: (c: Json) => boolean, what: string): Picked {
  const found = containers.filter(is);
  if (found.length > 0) return { targets: found };
  // kubectl's convention for "the" container of a pod, then the first one.
  const annotated = readPath(pod, 'metadata', 'annotations', 'kubectl.kubernetes.io/default-container');
  const chosen = (typeof annotated === 'string' && findByName(containers, annotated)) || containers[0];
  if (!chosen) return { targets: [] };
  return { targets: [chosen], note: `no container looks like ${what}; using ${String(chosen.name)} (set containers to choose)` };
}
