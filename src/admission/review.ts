import type { ClusterFacts } from '../mutation/facts.js';
import { concernsAnyPolicy, mutateUnder } from '../mutation/resolve.js';
import type { PolicySet } from '../policy/policy-set.js';
import type { Role } from '../mutation/result.js';
import { warning } from '../mutation/warnings.js';
import { podTooLarge } from './bounds.js';
import { decodeReview } from './decode.js';
import { UnappliablePatchError } from './errors.js';
import { patchProblem } from './patch-guard.js';
import { allow, patched } from './response.js';
import type { AdmissionReviewOut } from './types.js';

/** What the HTTP edge logs and counts for one review: never the pod or the patch. */
export interface ReviewSummary {
  uid: string;
  operation: string;
  namespace: string;
  name: string;
  /** too-large: beyond POD_LIMITS, allowed untouched with a warning. */
  role: Role | 'ignored' | 'too-large';
  reason: string;
  patchOps: number;
  warnings: number;
  dryRun: boolean;
}

export interface ReviewOutcome {
  review: AdmissionReviewOut;
  summary: ReviewSummary;
}

/**
 * One AdmissionReview in, one out. Throws BadReviewError for a body that is not a review,
 * UnappliablePatchError when the planned patch does not apply to the pod; any other throw is a bug.
 * The HTTP edge turns both of the last into a 500 (the API server's failurePolicy decides).
 */
export function admit(body: unknown, policies: PolicySet, facts?: ClusterFacts): ReviewOutcome {
  const { apiVersion, request } = decodeReview(body);
  const base = {
    uid: request.uid,
    operation: request.operation,
    namespace: request.namespace,
    name: request.name,
    dryRun: request.dryRun,
  };
  const isPod = request.kind.group === '' && request.kind.kind === 'Pod';
  if (!isPod || request.subResource !== '' || request.operation !== 'CREATE' || !request.object) {
    const reason = !isPod
      ? `kind ${request.kind.kind} is not handled`
      : request.subResource !== ''
        ? `subresource ${request.subResource} is not handled`
        : `operation ${request.operation} is not handled`;
    return {
      review: allow(apiVersion, request.uid),
      summary: { ...base, role: 'ignored', reason, patchOps: 0, warnings: 0 },
    };
  }
  // The namespace of a pod being created may be absent from the object; the request carries it.
  const namespace = request.namespace || String((request.object.metadata as { namespace?: unknown })?.namespace ?? 'default');
  // The size bound protects planning; a pod no policy selects is not planned for, so not walked either.
  const tooLarge = concernsAnyPolicy(request.object, namespace, policies) ? podTooLarge(request.object) : undefined;
  if (tooLarge !== undefined) {
    // Allowed, not refused: with failurePolicy Fail a refusal would block the pod for its size alone.
    return {
      review: allow(apiVersion, request.uid, {
        warnings: [warning(`pod too large to check (${tooLarge}); not mutated`)],
        auditAnnotations: { decision: 'too-large' },
      }),
      summary: { ...base, namespace, name: request.name || podName(request.object), role: 'too-large', reason: `too large: ${tooLarge}`, patchOps: 0, warnings: 1 },
    };
  }
  const result = mutateUnder(request.object, namespace, policies, facts);
  const problem = patchProblem(request.object, result.patch);
  if (problem) throw new UnappliablePatchError(problem, result.role);
  return {
    review: patched(apiVersion, request.uid, result.patch, {
      warnings: result.warnings,
      auditAnnotations: result.auditAnnotations,
    }),
    summary: {
      ...base,
      namespace,
      name: request.name || podName(request.object),
      role: result.role,
      reason: result.reason,
      patchOps: result.patch.length,
      warnings: result.warnings.length,
    },
  };
}

function podName(pod: Record<string, unknown>): string {
  const meta = pod.metadata as { name?: unknown; generateName?: unknown } | undefined;
  if (typeof meta?.name === 'string') return meta.name;
  if (typeof meta?.generateName === 'string') return `${meta.generateName}*`;
  return '';
}
