import { escapeToken } from '../mutation/diff.js';
import { isJson, type Json } from '../mutation/pod.js';

/** Where a kind keeps the pod it creates; Pods are their own template. */
const TEMPLATE_PATHS: Record<string, readonly string[]> = {
  Pod: [],
  StatefulSet: ['spec', 'template'],
  Deployment: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export interface PodTemplateRef {
  /** The object owning the template (a Pod, or a workload). */
  owner: Json;
  /** Path of the template inside the owner, as object keys. */
  keys: readonly string[];
}

/** The pod template of a supported object, or undefined for kinds that create no pods. */
export function findTemplate(obj: Json): PodTemplateRef | undefined {
  const keys = typeof obj.kind === 'string' ? TEMPLATE_PATHS[obj.kind] : undefined;
  if (!keys) return undefined;
  let cur: unknown = obj;
  for (const k of keys) cur = isJson(cur) ? cur[k] : undefined;
  return isJson(cur) ? { owner: obj, keys } : undefined;
}

/**
 * Why a workload's pod template cannot be read (e.g. `spec.template: 3`), naming the field; undefined
 * when it can, and for kinds that create no pods. The API server would refuse such an object, so
 * preview refuses it too rather than pass it through as "not a pod".
 */
export function templateProblem(obj: Json): string | undefined {
  const keys = typeof obj.kind === 'string' ? TEMPLATE_PATHS[obj.kind] : undefined;
  if (!keys) return undefined;
  const ref = `${obj.kind}/${name(obj)}`;
  let cur: unknown = obj;
  for (let i = 0; i < keys.length; i++) {
    cur = (cur as Json)[keys[i]!];
    if (cur === undefined || cur === null) return `${ref}: ${keys.join('.')}: missing (the pod template is required)`;
    if (!isJson(cur)) return `${ref}: ${keys.slice(0, i + 1).join('.')}: must be an object`;
  }
  const template = cur as Json;
  for (const part of ['metadata', 'spec']) {
    const v = template[part];
    if (v !== undefined && v !== null && !isJson(v)) return `${ref}: ${[...keys, part].join('.')}: must be an object`;
  }
  return undefined;
}

function name(obj: Json): string {
  const meta = isJson(obj.metadata) ? obj.metadata : {};
  return typeof meta.name === 'string' ? meta.name : typeof meta.generateName === 'string' ? `${meta.generateName}*` : '(unnamed)';
}

export function templateOf(ref: PodTemplateRef): Json {
  let cur: Json = ref.owner;
  for (const k of ref.keys) cur = cur[k] as Json;
  return cur;
}

/** The pod the API server would see for this template; for a Pod, the Pod itself. */
export function podFromTemplate(ref: PodTemplateRef): Json {
  if (ref.keys.length === 0) return ref.owner;
  const t = templateOf(ref);
  const pod: Json = { apiVersion: 'v1', kind: 'Pod' };
  if (t.metadata !== undefined) pod.metadata = t.metadata;
  if (t.spec !== undefined) pod.spec = t.spec;
  return pod;
}

/** Writes a mutated pod back into its template, keeping the owner's other fields. */
export function withPod(ref: PodTemplateRef, pod: Json): Json {
  if (ref.keys.length === 0) return pod;
  const owner = structuredClone(ref.owner);
  let cur: Json = owner;
  for (const k of ref.keys) cur = cur[k] as Json;
  if (pod.metadata !== undefined) cur.metadata = pod.metadata;
  if (pod.spec !== undefined) cur.spec = pod.spec;
  return owner;
}

/** JSON pointer prefix of the template within its owner, so a pod patch applies to the owner. */
export function pointerPrefix(ref: PodTemplateRef): string {
  return ref.keys.map((k) => `/${escapeToken(k)}`).join('');
}
