import type { Policy } from '../policy/types.js';
import type { MutationResult } from './result.js';

/** Placeholder until the planners land: classifies nothing, changes nothing. */
export function mutatePod(pod: Record<string, unknown>, _namespace: string, _policy: Policy): MutationResult {
  return { role: 'none', reason: 'not yet classified', patch: [], pod, warnings: [], auditAnnotations: {} };
}
