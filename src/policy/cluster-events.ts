import type { PolicyStore } from './store.js';
import { validatePolicy } from './validate.js';

export type ClusterEvent = 'add' | 'update' | 'delete';

/**
 * What one watch event did, for the log line and the policy's status; never the object itself.
 * `generation`: the judged object's metadata.generation, when it carries one.
 */
export type EventOutcome =
  | { result: 'in-force'; policy: string; generation?: number }
  | { result: 'rejected'; policy: string; issues: string[]; keeping: boolean; generation?: number }
  | { result: 'removed'; policy: string }
  | { result: 'ignored'; policy: string; why: string };

/**
 * Applies one NiFiTrustPolicy watch event to the store. An invalid object is refused whole: the
 * previous valid version of that policy (if any) stays in force.
 */
export function applyClusterEvent(store: PolicyStore, event: ClusterEvent, obj: unknown): EventOutcome {
  const name = nameOf(obj);
  if (!name) return { result: 'ignored', policy: '', why: 'object has no metadata.name' };
  if (event === 'delete') {
    store.deleteCluster(name);
    return { result: 'removed', policy: name };
  }
  const r = validatePolicy(obj, store.defaults);
  const generation = generationOf(obj);
  const judged = generation === undefined ? {} : { generation };
  if (!r.ok) return { result: 'rejected', policy: name, issues: r.issues, keeping: store.clusterPolicy(name) !== undefined, ...judged };
  store.setCluster(r.policy);
  return { result: 'in-force', policy: name, ...judged };
}

function generationOf(obj: unknown): number | undefined {
  const g = (obj as { metadata?: { generation?: unknown } }).metadata?.generation;
  return typeof g === 'number' && Number.isInteger(g) && g > 0 ? g : undefined;
}

function nameOf(obj: unknown): string | undefined {
  const meta = typeof obj === 'object' && obj !== null ? (obj as { metadata?: { name?: unknown } }).metadata : undefined;
  return typeof meta?.name === 'string' && meta.name !== '' ? meta.name : undefined;
}
