// One NiFiTrustPolicy's status from what the webhook knows: its last judgement (valid, or the validator's
// issues), the policies in force (for conflicts), and, for the trust Secret, the cluster's facts. Pure:
// the leader's status writer (src/cluster/policy-status.ts) reads the inputs and writes the result.
import type { ClusterFacts } from '../mutation/facts.js';
import type { Judgement } from '../policy/judgements.js';
import { namespaceSelected } from '../policy/match.js';
import { resolvePolicy, type PolicySet } from '../policy/policy-set.js';
import type { Policy } from '../policy/types.js';
import { capMessage, carryTransitionTimes, rfc3339, type Condition, type ConditionStatus, type PolicyStatus } from './conditions.js';
import { isGlob, sharedNamespaces } from './overlap.js';

export const READY = 'Ready';
export const TRUST_SECRETS_FOUND = 'TrustSecretsFound';

export interface StatusInput {
  name: string;
  judgement: Judgement;
  /** The policies in force (the store's snapshot). */
  policies: PolicySet;
  facts: ClusterFacts;
  /** The namespaces known to exist; undefined: not known (only names the policy spells out are checked). */
  namespaces?: readonly string[];
  /** The status as stored, for the lastTransitionTimes. */
  previous?: PolicyStatus;
  now: Date;
}

export function policyStatus(input: StatusInput): PolicyStatus {
  const { judgement: j } = input;
  const time = rfc3339(input.now);
  const gen = j.observedGeneration === undefined ? {} : { observedGeneration: j.observedGeneration };
  const cond = (type: string, status: ConditionStatus, reason: string, message: string): Condition => ({ type, status, reason, message: capMessage(message), ...gen, lastTransitionTime: time });
  const inForce = input.policies.cluster.find((p) => p.name === input.name);
  const conditions = [readyCondition(input, inForce, cond)];
  const trust = inForce ? trustCondition(input, inForce, cond) : undefined;
  if (trust) conditions.push(trust);
  const status: PolicyStatus = {
    ...gen,
    ...(j.inForceGeneration === undefined ? {} : { inForceGeneration: j.inForceGeneration }),
    conditions,
  };
  return carryTransitionTimes(status, input.previous);
}

type Make = (type: string, status: ConditionStatus, reason: string, message: string) => Condition;

function readyCondition(input: StatusInput, inForce: Policy | undefined, cond: Make): Condition {
  const j = input.judgement;
  if (j.issues.length > 0) {
    const kept = j.inForceGeneration === undefined ? '' : `; generation ${j.inForceGeneration} stays in force`;
    // Cut the issues, not the note on what stays in force.
    return cond(READY, 'False', 'Invalid', `${capMessage(j.issues.join('; '), 32768 - kept.length)}${kept}`);
  }
  if (!inForce) return cond(READY, 'False', 'Invalid', 'not in force'); // not reached: a valid judgement is in the store
  const claims = conflicts(inForce, input.policies.cluster);
  if (claims.length > 0) return cond(READY, 'False', 'Conflict', claims.join('; '));
  return cond(READY, 'True', 'InForce', j.inForceGeneration === undefined ? 'in force' : `generation ${j.inForceGeneration} in force`);
}

/** "namespace(s) X also claimed by policy P, Q", one part per distinct set of shared namespaces. */
export function conflicts(mine: Policy, cluster: readonly Policy[]): string[] {
  const byShared = new Map<string, string[]>();
  for (const other of cluster) {
    if (other.name === mine.name) continue;
    const shared = sharedNamespaces(mine.spec.namespaces, other.spec.namespaces);
    if (shared.length === 0) continue;
    const key = shared.join(', ');
    byShared.set(key, [...(byShared.get(key) ?? []), other.name]);
  }
  return [...byShared].map(([shared, names]) => `${shared === 'every namespace' ? 'every namespace' : `namespace(s) ${shared}`} also claimed by policy ${names.join(', ')}`);
}

/**
 * TrustSecretsFound, only where knowable: the trust bundle is on, and the facts answer for at least one
 * namespace the policy governs. Checked: the names the policy spells out (when they exist, if that is
 * known), and the known namespaces its globs select where NiFi pods run (a glob such as `*` selects
 * many namespaces that never run NiFi). Namespaces another policy also claims are not governed by it.
 */
function trustCondition(input: StatusInput, policy: Policy, cond: Make): Condition | undefined {
  const tb = policy.spec.trustBundle;
  if (!tb.enabled) return undefined;
  const candidates = governedNamespaces(input, policy);
  if (candidates.length === 0) return undefined;
  const secrets = [tb.secretName, ...(tb.password.secretName === '' ? [] : [tb.password.secretName])];
  const missing = new Map<string, string[]>();
  const unknown = new Set<string>();
  let answered = false;
  for (const ns of candidates) {
    for (const secret of secrets) {
      const exists = input.facts.secretExists(ns, secret);
      if (exists === undefined) unknown.add(ns);
      else answered = true;
      if (exists === false) missing.set(secret, [...(missing.get(secret) ?? []), ns]);
    }
  }
  if (!answered) return undefined;
  if (missing.size > 0) {
    const parts = [...missing].map(([secret, nss]) => `Secret ${secret} missing in namespace(s) ${nss.join(', ')}`);
    return cond(TRUST_SECRETS_FOUND, 'False', 'TrustSecretMissing', `${parts.join('; ')} (NiFi pods there hang in ContainerCreating)`);
  }
  if (unknown.size > 0) return cond(TRUST_SECRETS_FOUND, 'Unknown', 'NotKnown', `whether ${secretList(secrets)} exist(s) is not known in namespace(s) ${[...unknown].join(', ')}`);
  return cond(TRUST_SECRETS_FOUND, 'True', 'Found', `${secretList(secrets)} found in namespace(s) ${candidates.join(', ')}`);
}

function governedNamespaces(input: StatusInput, policy: Policy): string[] {
  const { namespaces: patterns } = policy.spec;
  const known = input.namespaces === undefined ? undefined : new Set(input.namespaces);
  const out = new Set<string>();
  for (const p of patterns) if (!isGlob(p) && (known === undefined || known.has(p))) out.add(p);
  for (const ns of input.namespaces ?? []) {
    if (out.has(ns) || !namespaceSelected(patterns, ns)) continue;
    if ((input.facts.podsMatching(ns, policy.spec.nifi.selectors) ?? 0) > 0) out.add(ns);
  }
  return [...out].filter((ns) => {
    const r = resolvePolicy(input.policies, ns);
    return r.kind === 'policy' && r.policy.name === policy.name;
  }).sort();
}

function secretList(secrets: readonly string[]): string {
  return secrets.length === 1 ? `Secret ${secrets[0]}` : `Secrets ${secrets.join(', ')}`;
}
