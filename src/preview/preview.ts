import type { Operation } from 'fast-json-patch';
import { NO_FACTS, type ClusterFacts } from '../mutation/facts.js';
import { mutatePod } from '../mutation/mutate.js';
import { isJson, podLabels, type Json } from '../mutation/pod.js';
import type { Policy } from '../policy/types.js';
import { expandLists } from './read.js';
import { looksLike, type Look } from './looks.js';
import { findTemplate, podFromTemplate, pointerPrefix, withPod } from './templates.js';

export interface PreviewItem {
  /** "Kind/name" for messages. */
  ref: string;
  /** The object as the cluster would store it (unchanged when nothing applies). */
  result: Json;
  /** A JSON Patch against the object itself (template paths prefixed). */
  patch: Operation[];
  warnings: string[];
  role: string;
  reason: string;
  /** The pod the object creates (itself for a Pod); absent for objects that create none. */
  pod?: PodFacts;
}

/** What coverage checks need of a created pod, read before mutation. */
export interface PodFacts {
  namespace: string;
  labels: Record<string, string>;
  /** What its containers suggest, whatever its labels say. */
  look: Look | undefined;
}

/**
 * Expands Lists so each object is previewed on its own, as kubectl apply would send them; a no-op on
 * what parseObjects returned. Throws one line naming the object and field on a malformed List.
 */
export function flatten(objects: readonly Json[]): Json[] {
  return expandLists(objects, 'input');
}

/**
 * Mutates each Pod or workload template exactly as the webhook would; other objects pass through.
 * `facts`: what is known of the cluster around it (previewFacts: the files' own workloads, --nodes).
 */
export function previewObject(obj: Json, defaultNamespace: string, policy: Policy, facts: ClusterFacts = NO_FACTS): PreviewItem {
  const meta = isJson(obj.metadata) ? obj.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : typeof meta.generateName === 'string' ? `${meta.generateName}*` : '(unnamed)';
  const ref = `${String(obj.kind ?? 'Object')}/${name}`;
  const template = findTemplate(obj);
  if (!template) return { ref, result: obj, patch: [], warnings: [], role: 'none', reason: 'not a pod or pod template' };
  const namespace = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : defaultNamespace;
  const pod = podFromTemplate(template);
  const r = mutatePod(pod, namespace, policy, facts);
  const prefix = pointerPrefix(template);
  return {
    ref,
    result: r.patch.length > 0 ? withPod(template, r.pod) : obj,
    patch: r.patch.map((op) => ({ ...op, path: prefix + op.path })),
    warnings: r.warnings,
    role: r.role,
    reason: r.reason,
    pod: { namespace, labels: podLabels(pod), look: looksLike(pod) },
  };
}
