import type { Policy } from '../policy/types.js';
import { planAntiAffinity } from './affinity.js';
import { planCaPinning } from './ca-pinning.js';
import { checkCaStorage } from './ca-storage.js';
import { classify } from './classify.js';
import { diff } from './diff.js';
import { ANN_POLICY, ANN_ROLE, ANN_SKIP, ANN_STATUS } from './names.js';
import { isJson, objectAt, podAnnotation, podLabels, type Json } from './pod.js';
import type { MutationResult } from './result.js';
import { NO_FACTS, type ClusterFacts } from './facts.js';
import type { FactProblem } from './fact-problem.js';
import { missingSecretProblems } from './missing-secrets.js';
import { placementCapacityProblem } from './placement-capacity.js';
import { plannedCopy } from './planned.js';
import { excludedRelease } from './release.js';
import { statusOf, type StepOutcome } from './step.js';
import { planTrustBundle } from './trust-bundle.js';
import { planTrustMerge } from './trust-merge.js';
import { warning } from './warnings.js';

/**
 * The whole admission decision for one pod, with no I/O: the webhook, the preview CLI and the
 * tests all call this. The patch is the diff between the raw pod and the planned one. `facts`: what
 * the caller knows of the cluster (node and pod counts, Secrets that exist), for warnings only.
 */
export function mutatePod(pod: Json, namespace: string, policy: Policy, facts: ClusterFacts = NO_FACTS): MutationResult {
  const c = classify(podLabels(pod), namespace, policy);
  const unchanged = (warnings: string[], audit: Record<string, string> = {}): MutationResult => ({
    role: c.role,
    reason: c.reason,
    patch: [],
    pod,
    warnings: warnings.map(warning),
    auditAnnotations: audit,
    steps: [],
  });
  if (c.ambiguous) {
    return unchanged([`pod matches both NiFi and nifi-ca selectors; no anti-affinity or trust bundle added`], { role: 'ambiguous', decision: 'skipped' });
  }
  if (c.role === 'none') return unchanged([]);

  const warnings: string[] = [];
  const optedOut = podAnnotation(pod, ANN_SKIP) === 'true';
  if (optedOut && !policy.spec.allowOptOut) warnings.push(`${ANN_SKIP} ignored: policy ${policy.name} does not allow opt-out`);

  const planned = plannedCopy(pod);
  const steps = plan(planned, c.role, namespace, policy);
  const known = factProblems(c.role, namespace, policy, steps, facts);
  // The incident itself: an unpinned nifi-ca mints a new CA key wherever it is rescheduled. Said on every
  // such pod (once: a pod whose key sits on a PVC already gets "pin it" from checkCaStorage).
  if (c.role === 'nifi-ca' && !policy.spec.caPinning.enabled && !steps.some((s) => s.feature === 'ca-key')) {
    warnings.push(`CA not pinned: a reschedule mints a new CA key; see ca init and spec.caPinning (docs/ca-pinning.md)`);
  }
  const status = steps.map(statusOf).join(',') || 'none';
  if (isJson(planned.metadata) || planned.metadata === undefined) {
    const annotations = objectAt(objectAt(planned, 'metadata')!, 'annotations');
    if (annotations) Object.assign(annotations, { [ANN_ROLE]: c.role, [ANN_POLICY]: policy.name, [ANN_STATUS]: status });
  }
  const patch = diff(pod, planned);
  const added = steps.filter((s) => s.state === 'added').map((s) => s.feature);
  // Problems only cluster knowledge reveals are said in every mode, like the planners' own: in audit
  // mode they tell what enforcing would lead to.
  const problems = [...steps.flatMap((s) => s.warnings), ...known.map((p) => p.text)];
  const notes = steps.flatMap((s) => s.notes ?? []);
  const audit = { role: c.role, features: status, ...(known.length > 0 ? { 'cluster-problems': known.map((p) => p.kind).join(',') } : {}) };

  if (patch.length > 0 && optedOut && policy.spec.allowOptOut) {
    return withSteps(unchanged([`opted out by ${ANN_SKIP}; would add ${added.join(' and ') || 'annotations'}`], { ...audit, decision: 'opt-out' }), steps);
  }
  if (patch.length > 0 && policy.spec.enforcement === 'audit') {
    return withSteps(
      unchanged([...warnings, `audit only: would add ${added.join(' and ') || 'annotations'} (policy ${policy.name})`, ...problems], { ...audit, decision: 'audit' }),
      steps,
    );
  }
  return {
    role: c.role,
    reason: c.reason,
    patch,
    pod: patch.length > 0 ? planned : pod,
    warnings: [...warnings, ...notes, ...problems].map(warning),
    auditAnnotations: { ...audit, decision: patch.length > 0 ? 'mutated' : 'unchanged' },
    steps,
  };
}

/** What ClusterFacts reveal about the planned pod (nothing when a fact is not known). */
function factProblems(role: 'nifi' | 'nifi-ca', namespace: string, policy: Policy, steps: readonly StepOutcome[], facts: ClusterFacts): FactProblem[] {
  const found: FactProblem[] = [];
  // Skipped: no term was added, so nothing of ours can keep a pod Pending.
  const placement = steps.find((s) => s.feature === 'anti-affinity');
  const capacity = placement && placement.state !== 'skipped' ? placementCapacityProblem(role, namespace, policy.spec, facts) : undefined;
  if (capacity) found.push(capacity);
  if (role === 'nifi' && policy.spec.trustBundle.enabled) found.push(...missingSecretProblems(namespace, policy.spec.trustBundle, steps, facts));
  return found;
}

const withSteps = (r: MutationResult, steps: StepOutcome[]): MutationResult => ({ ...r, steps });

function plan(pod: Json, role: 'nifi' | 'nifi-ca', namespace: string, policy: Policy): StepOutcome[] {
  const { spec } = policy;
  const steps: StepOutcome[] = [];
  if (spec.placement.mode !== 'off') {
    const against = role === 'nifi' ? spec.ca.selectors : spec.nifi.selectors;
    const step = planAntiAffinity(pod, against, namespace, spec.placement, role === 'nifi' ? 'nifi-ca' : 'NiFi');
    const excluded = excludedRelease(podLabels(pod), against);
    if (excluded) {
      step.warnings.push(`spec.${role === 'nifi' ? 'ca' : 'nifi'}.selectors never match pods of this release (${excluded}): anti-affinity has no effect`);
      step.effective = false;
    }
    steps.push(step);
  }
  if (role === 'nifi' && spec.trustBundle.enabled) {
    steps.push(spec.trustBundle.wiring === 'merge' ? planTrustMerge(pod, spec.trustBundle) : planTrustBundle(pod, spec.trustBundle));
  }
  if (role === 'nifi-ca' && spec.caPinning.enabled) steps.push(planCaPinning(pod, spec.caPinning));
  if (role === 'nifi-ca') {
    const storage = checkCaStorage(pod);
    if (storage) steps.push(storage);
  }
  return steps;
}
