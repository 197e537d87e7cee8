// The policy's name and the namespaces it governs.
import { isJson, type Json } from '../mutation/pod.js';
import { isDnsSubdomain } from '../policy/fields.js';
import { flatten } from '../preview/preview.js';
import { RELEASE_LABELS } from './selectors.js';
import type { Workload } from './types.js';

export interface Chosen<T> {
  value: T;
  why: string;
}

/** --name, else the NiFi workload's release label (when it makes a valid name), else `nifi`. */
export function policyName(nifi: readonly Workload[], given: string | undefined): Chosen<string> {
  if (given !== undefined) return { value: given, why: 'From --name.' };
  for (const w of nifi) {
    const meta = isJson(w.owner.metadata) && isJson(w.owner.metadata.labels) ? (w.owner.metadata.labels as Json) : {};
    for (const key of RELEASE_LABELS) {
      const value = w.labels[key] ?? meta[key];
      if (typeof value === 'string' && isDnsSubdomain(value)) return { value, why: `The release label of ${w.ref} (${key}: ${value}).` };
    }
  }
  return { value: 'nifi', why: 'No release label on the NiFi workload: a default name (--name sets one).' };
}

/**
 * -n when given; else the one namespace the input's objects name; else undefined (every namespace).
 * A release rendered by Helm names its namespace only in some objects; the rest land where it is applied.
 */
export function policyNamespaces(objects: readonly Json[], given: string | undefined): Chosen<string[] | undefined> {
  const named = new Set<string>();
  for (const o of flatten(objects)) {
    const ns = isJson(o.metadata) ? o.metadata.namespace : undefined;
    if (typeof ns === 'string' && ns !== '') named.add(ns);
  }
  const list = [...named].sort();
  if (given !== undefined) {
    const others = list.filter((n) => n !== given);
    return { value: [given], why: `From -n.${others.length > 0 ? ` WARNING: the input also names namespace ${others.join(', ')}.` : ''}` };
  }
  if (list.length === 1) return { value: list, why: 'The namespace the input\'s objects name; objects that name none land where they are applied: pass -n to be sure.' };
  return {
    value: undefined,
    why: `No spec.namespaces: this policy then governs every namespace (${list.length > 1 ? `the input names several: ${list.join(', ')}` : 'the input names none'}); pass -n to scope it.`,
  };
}
