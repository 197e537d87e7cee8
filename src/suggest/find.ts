// Which objects of the input create pods, and which of those are NiFi and nifi-ca, read from their
// containers alone (src/mutation/recognise.ts), never from their names or labels.
import { isJson, podLabels, readPath, type Json } from '../mutation/pod.js';
import { isNiFiContainer, isToolkitServer } from '../mutation/recognise.js';
import { flatten } from '../preview/preview.js';
import { findTemplate, podFromTemplate } from '../preview/templates.js';
import { SuggestError } from './errors.js';
import type { Workload, WorkloadRole } from './types.js';

export const NO_CA = 'found no nifi-ca workload: no container runs tls-toolkit.sh server or the apache/nifi-toolkit image';
export const NO_NIFI = 'found no NiFi workload: no container runs the apache/nifi image, nifi.sh or the apache/nifi start script';

export interface Found {
  nifi: Workload[];
  ca: Workload[];
  other: Workload[];
}

/** The pod's containers (not init containers): what runs for the pod's lifetime. */
export function containersOf(pod: Json): Json[] {
  const list = readPath(pod, 'spec', 'containers');
  return Array.isArray(list) ? list.filter(isJson) : [];
}

export function initContainersOf(pod: Json): Json[] {
  const list = readPath(pod, 'spec', 'initContainers');
  return Array.isArray(list) ? list.filter(isJson) : [];
}

/** A toolkit CA server anywhere in the pod makes it nifi-ca, even when it also looks like NiFi. */
export function roleOf(pod: Json): WorkloadRole {
  const containers = containersOf(pod);
  if (containers.some(isToolkitServer)) return 'nifi-ca';
  if (containers.some(isNiFiContainer)) return 'nifi';
  return 'other';
}

/** Every object that creates pods, Lists expanded, in input order. */
export function workloads(objects: readonly Json[]): Workload[] {
  const out: Workload[] = [];
  for (const obj of flatten(objects)) {
    const template = findTemplate(obj);
    if (!template) continue;
    const meta = isJson(obj.metadata) ? obj.metadata : {};
    const pod = podFromTemplate(template);
    const replicas = readPath(obj, 'spec', 'replicas');
    out.push({
      ref: `${String(obj.kind)}/${typeof meta.name === 'string' ? meta.name : '(unnamed)'}`,
      owner: obj,
      pod,
      labels: podLabels(pod),
      namespace: typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : undefined,
      replicas: obj.kind !== 'Pod' && typeof replicas === 'number' ? replicas : undefined,
      role: roleOf(pod),
    });
  }
  return out;
}

/** The NiFi, nifi-ca and other workloads; refuses input without a NiFi or without a nifi-ca workload. */
export function findRoles(objects: readonly Json[]): Found {
  const all = workloads(objects);
  const found: Found = {
    nifi: all.filter((w) => w.role === 'nifi'),
    ca: all.filter((w) => w.role === 'nifi-ca'),
    other: all.filter((w) => w.role === 'other'),
  };
  if (found.ca.length === 0) throw new SuggestError(NO_CA);
  if (found.nifi.length === 0) throw new SuggestError(NO_NIFI);
  return found;
}
