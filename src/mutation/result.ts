import type { Operation } from 'fast-json-patch';

export type Role = 'nifi' | 'nifi-ca' | 'none';

/** What one pod's admission decided; the webhook and the preview CLI both render this. */
export interface MutationResult {
  role: Role;
  reason: string;
  patch: Operation[];
  /** The pod as it would be stored (equal to the input when the patch is empty). */
  pod: Record<string, unknown>;
  warnings: string[];
  auditAnnotations: Record<string, string>;
}
