// Loose accessors over a raw pod: the webhook never round-trips a pod through typed models,
// so unknown fields survive and the diff touches only what the planners set.
import { jsonEqual } from './json-equal.js';

import { isJson, type Json } from '../json.js';

export { isJson, type Json };

/** The object at `parent[key]`, created when absent or null; undefined when something else is there. */
export function objectAt(parent: Json, key: string): Json | undefined {
  const v = parent[key];
  if (v === undefined || v === null) {
    const created: Json = {};
    parent[key] = created;
    return created;
  }
  return isJson(v) ? v : undefined;
}

/** The array at `parent[key]`, created when absent or null; undefined when something else is there. */
export function arrayAt(parent: Json, key: string): unknown[] | undefined {
  const v = parent[key];
  if (v === undefined || v === null) {
    const created: unknown[] = [];
    parent[key] = created;
    return created;
  }
  return Array.isArray(v) ? v : undefined;
}

/** Reads a path without creating anything. */
export function readPath(obj: unknown, ...keys: string[]): unknown {
  let cur: unknown = obj;
  for (const k of keys) {
    if (!isJson(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

export function podLabels(pod: Json): Record<string, string> {
  const labels = readPath(pod, 'metadata', 'labels');
  if (!isJson(labels)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') out[k] = v;
  return out;
}

export function podAnnotation(pod: Json, key: string): string | undefined {
  const v = readPath(pod, 'metadata', 'annotations', key);
  return typeof v === 'string' ? v : undefined;
}

export function findByName(list: readonly unknown[], name: string): Json | undefined {
  return list.find((x): x is Json => isJson(x) && x.name === name);
}

/** Where an item named like ours stands: missing, already exactly ours, or someone else's. */
export type Presence = 'absent' | 'ours' | 'conflict';

export function presence(list: readonly unknown[], wanted: Json): Presence {
  const existing = findByName(list, String(wanted.name));
  if (!existing) return 'absent';
  return containsAll(existing, wanted) ? 'ours' : 'conflict';
}

/**
 * Where our init container stands. It is ours when name, image, command and args match and it
 * still has our mounts: admission plugins (the ServiceAccount token, for one) add mounts of their
 * own to every container, and the API server defaults other fields, before a reinvocation.
 */
export function initContainerPresence(list: readonly unknown[], wanted: Json): Presence {
  const existing = findByName(list, String(wanted.name));
  if (!existing) return 'absent';
  const mounts = Array.isArray(existing.volumeMounts) ? existing.volumeMounts : [];
  const ours = Array.isArray(wanted.volumeMounts) ? wanted.volumeMounts : [];
  const same = containsAll(existing, pick(wanted, ['name', 'image', 'command', 'args'])) && ours.every((m) => mounts.some((x) => containsAll(x, m)));
  return same ? 'ours' : 'conflict';
}

export function pick(obj: Json, keys: readonly string[]): Json {
  const out: Json = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

/**
 * True when `actual` holds every field of `wanted` with the same value. Fields the API server
 * defaults afterwards (terminationMessagePath, defaultMode, ...) must not make our own item look foreign.
 */
export function containsAll(actual: unknown, wanted: unknown): boolean {
  if (Array.isArray(wanted)) {
    return Array.isArray(actual) && actual.length === wanted.length && wanted.every((w, i) => containsAll(actual[i], w));
  }
  if (isJson(wanted)) {
    if (!isJson(actual)) return false;
    for (const k of Object.keys(wanted)) {
      const w = wanted[k];
      if (w !== undefined && !containsAll(actual[k], w)) return false;
    }
    return true;
  }
  return jsonEqual(actual, wanted);
}

/** JSON with sorted keys, for comparing structures whose key order is meaningless. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isJson(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
