import type { Operation } from 'fast-json-patch';
import type { StepOutcome } from './step.js';

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
  /** What each feature's planner did (empty when the pod is not governed); `explain` renders these. */
  steps: StepOutcome[];
}
