// What a workload looks like from its containers alone, whatever its labels say: the evidence preview
// uses to tell "unrelated, rightly left alone" from "a NiFi or nifi-ca the policy's selectors missed".
import { isNiFiContainer, isToolkitServer } from '../mutation/recognise.js';
import { isJson, readPath, type Json } from '../mutation/pod.js';

export interface Look {
  role: 'nifi' | 'nifi-ca';
  /** Why, for the end of a message: `tls-toolkit.sh server`, `container server`. */
  why: string;
}

/**
 * The role a pod's containers suggest (init containers only prepare a pod, so they do not count).
 * A toolkit CA server wins over a NiFi container: recognise.ts never calls a CA server NiFi.
 */
export function looksLike(pod: Json): Look | undefined {
  const spec = readPath(pod, 'spec');
  const containers = isJson(spec) && Array.isArray(spec.containers) ? spec.containers.filter(isJson) : [];
  if (containers.some(isToolkitServer)) return { role: 'nifi-ca', why: 'tls-toolkit.sh server' };
  const nifi = containers.find(isNiFiContainer);
  return nifi ? { role: 'nifi', why: `container ${String(nifi.name ?? '(unnamed)')}` } : undefined;
}

