// What a workload looks like from its containers alone, whatever its labels say: the evidence preview
// uses to tell "unrelated, rightly left alone" from "a NiFi or nifi-ca the policy's selectors missed".
import { imageName, isNiFiContainer, isToolkitServer } from '../mutation/recognise.js';
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
  const nifi = containers.find((c) => isNiFiContainer(c) && !isRegistry(c));
  return nifi ? { role: 'nifi', why: `container ${String(nifi.name ?? '(unnamed)')}` } : undefined;
}

/**
 * The apache/nifi-registry image starts with its own `scripts/start.sh`, which isNiFiContainer takes
 * for NiFi's. Harmless to the webhook (the container of a pod already classified), but here it would
 * call every NiFi Registry a missed NiFi node. Belongs in recognise.ts; kept here until it moves there.
 */
function isRegistry(c: Json): boolean {
  return imageName(c.image) === 'nifi-registry';
}
