// The shapes `policy suggest` passes between its steps: workloads found in the input, and comments
// addressed to fields of the policy document it builds.
import type { Json } from '../mutation/pod.js';

/** A path into the policy document: map keys and sequence indexes. */
export type Path = ReadonlyArray<string | number>;

/** Comment lines to print above the field at `path` (the document itself when empty). */
export interface Commented {
  path: Path;
  lines: string[];
}

/** A suggested policy: the document, comments saying why, and header notes for the whole file. */
export interface Suggestion {
  doc: Json;
  comments: Commented[];
  notes: string[];
}

export type WorkloadRole = 'nifi' | 'nifi-ca' | 'other';

/** An object of the input that creates pods (a Pod, or a workload with a pod template). */
export interface Workload {
  /** `Kind/name`, for comments and messages. */
  ref: string;
  /** The object as read. */
  owner: Json;
  /** The pod its template creates (for a Pod, the Pod). */
  pod: Json;
  /** The template's labels: what selectors and anti-affinity terms see. */
  labels: Record<string, string>;
  namespace: string | undefined;
  /** spec.replicas when the kind has it and it is set. */
  replicas: number | undefined;
  role: WorkloadRole;
}

/** Prefixes every path of `comments` with `prefix`. */
export function under(prefix: Path, comments: readonly Commented[]): Commented[] {
  return comments.map((c) => ({ path: [...prefix, ...c.path], lines: c.lines }));
}
