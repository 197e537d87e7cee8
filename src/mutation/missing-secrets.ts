import type { TrustBundleSpec } from '../policy/types.js';
import type { ClusterFacts } from './facts.js';
import type { FactProblem } from './fact-problem.js';
import type { StepOutcome } from './step.js';

/**
 * Secrets a NiFi pod will reference once its trust step is in place, that are known not to exist in its
 * namespace. The kubelet cannot mount a missing Secret volume (event FailedMount: the pod waits in
 * Init:0/1 until the Secret exists; test/e2e/nodes/n2-missing-secret.e2e.ts) nor resolve a missing
 * secretKeyRef (CreateContainerConfigError). Silent when existence is not known, and when the trust step was skipped
 * (nothing references the Secrets then).
 */
export function missingSecretProblems(namespace: string, tb: Readonly<TrustBundleSpec>, steps: readonly StepOutcome[], facts: ClusterFacts): FactProblem[] {
  const trust = steps.find((s) => s.feature === 'trust-bundle');
  if (!trust || trust.state === 'skipped') return [];
  const problems: FactProblem[] = [];
  if (facts.secretExists(namespace, tb.secretName) === false) {
    problems.push({ kind: 'trust-secret-missing', text: `trust Secret ${tb.secretName} missing in ${namespace}: the pod waits in Init; run ca init` });
  }
  if (passwordSecret(tb) && facts.secretExists(namespace, tb.password.secretName) === false) {
    problems.push({ kind: 'password-secret-missing', text: `password Secret ${tb.password.secretName} missing in ${namespace}: the pod fails (CreateContainerConfigError)` });
  }
  return problems;
}

/** The password is read from a Secret (a secretKeyRef) in env wiring, and in merge wiring without a password file. */
export function passwordSecret(tb: Readonly<TrustBundleSpec>): boolean {
  return tb.password.secretName !== '' && (tb.wiring === 'env' || tb.merge.passwordFile === '');
}

/** The Secrets a NiFi pod under this trust bundle references, by name: what cluster facts watch and RBAC names. */
export function referencedSecrets(tb: Readonly<TrustBundleSpec>): string[] {
  if (!tb.enabled) return [];
  return passwordSecret(tb) && tb.password.secretName !== tb.secretName ? [tb.secretName, tb.password.secretName] : [tb.secretName];
}
