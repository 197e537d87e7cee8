// `explain`: why the webhook treats a pod as it does, from the same code that decides it (mutateUnder,
// the planners' StepOutcomes, the webhook's warning strings) and, for an admitted pod, whether what it
// carries is what the policy would inject now. Pure: the pod, the policies and the facts come in.
import type { ClusterFacts } from '../mutation/facts.js';
import { isJson, podLabels, readPath, type Json } from '../mutation/pod.js';
import { mutateUnder } from '../mutation/resolve.js';
import type { Role } from '../mutation/result.js';
import { resolvePolicy, type PolicySet } from '../policy/policy-set.js';
import type { Policy } from '../policy/types.js';
import { formatLabels, formatSelector } from '../preview/selectors.js';
import { podDrift, type FeatureDrift } from './drift.js';
import { featureViews, type FeatureView } from './features.js';
import { admittedBy, stripOwned } from './owned.js';

/** Where the fallback policy (for namespaces no NiFiTrustPolicy claims) came from. */
export interface Fallback {
  source: 'file' | 'configmap' | 'builtin';
  /** The file's path or the ConfigMap's namespace/name; '' for the built-in. */
  where: string;
}

export interface PolicyContext {
  set: PolicySet;
  fallback: Fallback;
  /** False when the cluster's NiFiTrustPolicy objects were not read (a file, without --cluster-policies). */
  clusterRead: boolean;
}

/** What was known of the cluster, for the reader: the facts themselves go to mutateUnder. */
export interface FactsReport {
  checked: boolean;
  /** Nodes listed (metadata), or null when not known. */
  nodes: number | null;
  /** Other pods in the namespace (metadata), or null when not known. */
  pods: number | null;
  /** Existence of the Secrets the policy names, by name; null: not known. */
  secrets: Record<string, boolean | null>;
  notes: string[];
}

export const FACTS_NOT_CHECKED: FactsReport = Object.freeze({ checked: false, nodes: null, pods: null, secrets: {}, notes: ['cluster facts not checked (use --pod)'] });

export interface ExplainInput {
  /** `Kind/name` of the object the pod comes from. */
  ref: string;
  pod: Json;
  namespace: string;
  policies: PolicyContext;
  facts: ClusterFacts;
  factsReport: FactsReport;
  /** A pod read from the cluster: drift is checked even when it carries no annotations of ours. */
  running: boolean;
}

export type Decision = 'mutated' | 'unchanged' | 'audit' | 'opt-out' | 'conflict' | 'ambiguous' | 'none';

export interface GoverningPolicy {
  source: 'cluster' | 'conflict' | Fallback['source'];
  /** The policy's name; null for a conflict. */
  name: string | null;
  /** The cluster policies that claim the namespace (one, several for a conflict); [] for a fallback. */
  claimedBy: string[];
  why: string;
}

export interface DriftReport {
  checked: boolean;
  /** Why not checked, or what was compared. */
  why: string;
  /** What the pod's annotations say, when it has them. */
  admitted: { policy: string | null; role: string | null; status: string } | null;
  drifted: boolean;
  differences: string[];
  features: FeatureDrift[];
  /** What to do when drifted; '' otherwise. */
  action: string;
}

export interface Explanation {
  object: string;
  namespace: string;
  policy: GoverningPolicy;
  role: Role;
  /** The classification's reason ("labels match spec.nifi.selectors[0]"), with the selector it names. */
  reason: string;
  decision: Decision;
  features: FeatureView[];
  /** Exactly what the webhook would return at admission (kubectl prints each as `Warning: ...`). */
  warnings: string[];
  facts: FactsReport;
  drift: DriftReport;
}

export function explainPod(input: ExplainInput): Explanation {
  const { pod, namespace, policies, facts } = input;
  const admitted = admittedBy(pod);
  // An admitted pod is asked about as it was created: the planners would call a stale injection present.
  const subject = admitted ? stripOwned(pod, admitted) : pod;
  const result = mutateUnder(subject, namespace, policies.set, facts);
  const resolution = resolvePolicy(policies.set, namespace);
  const policy = governing(policies, namespace);
  const decision: Decision = result.auditAnnotations.role === 'ambiguous' ? 'ambiguous' : ((result.auditAnnotations.decision as Decision | undefined) ?? 'none');
  const governed = resolution.kind === 'policy' && (result.role === 'nifi' || result.role === 'nifi-ca') ? resolution.policy : undefined;
  let features = governed ? featureViews(result.steps, result.role as 'nifi' | 'nifi-ca', governed) : [];

  let drift: DriftReport;
  if (admitted) {
    const d = podDrift(pod, admitted, result, policy.name ?? undefined);
    features = features.map((f) => {
      const fd = d.features.find((x) => x.feature === f.feature);
      if (fd?.state === 'drifted') return { ...f, state: 'drifted' };
      return f.state === 'add' && decision === 'mutated' ? { ...f, state: 'present' } : f;
    });
    drift = {
      checked: true,
      why: 'the pod carries the webhook\'s annotations: compared with what the policy would inject now',
      admitted: { policy: admitted.policy ?? null, role: admitted.role ?? null, status: [...admitted.status].map(([k, v]) => `${k}=${v}`).join(',') || 'none' },
      drifted: d.drifted,
      differences: d.differences,
      features: d.features,
      action: d.drifted ? remedy(pod, namespace) : '',
    };
  } else if (input.running) {
    const missing = decision === 'mutated';
    drift = {
      checked: true,
      why: 'the pod carries no nifi-ca-guard.io annotations: the webhook did not mutate it',
      admitted: null,
      drifted: missing,
      differences: missing ? ['carries none of the features above: created before a policy governed it, or while the webhook was not called'] : [],
      features: [],
      action: missing ? remedy(pod, namespace) : '',
    };
  } else {
    drift = { checked: false, why: 'not admitted by the webhook (no nifi-ca-guard.io annotations)', admitted: null, drifted: false, differences: [], features: [], action: '' };
  }

  return {
    object: input.ref,
    namespace,
    policy,
    role: result.role,
    reason: withSelectors(result.reason, resolution.kind === 'policy' ? resolution.policy : undefined, pod),
    decision,
    features,
    warnings: result.warnings,
    facts: input.factsReport,
    drift,
  };
}

function governing(p: PolicyContext, namespace: string): GoverningPolicy {
  const r = resolvePolicy(p.set, namespace);
  if (r.kind === 'conflict') {
    const names = r.policies.map((x) => x.name);
    return { source: 'conflict', name: null, claimedBy: names, why: `Conflict: namespace ${namespace} is claimed by NiFiTrustPolicy ${names.join(', ')}; no pod there is mutated until one alone claims it` };
  }
  if (p.set.cluster.includes(r.policy)) {
    return { source: 'cluster', name: r.policy.name, claimedBy: [r.policy.name], why: `NiFiTrustPolicy ${r.policy.name} claims namespace ${namespace} (spec.namespaces: ${r.policy.spec.namespaces.join(', ') || 'all'})` };
  }
  const from = p.fallback.source === 'builtin' ? 'the built-in policy' : p.fallback.source === 'file' ? `policy file ${p.fallback.where}` : `the install's ConfigMap ${p.fallback.where}`;
  const unclaimed = p.clusterRead ? `no NiFiTrustPolicy claims namespace ${namespace}` : 'cluster policies not read (use --pod or --cluster-policies)';
  return { source: p.fallback.source, name: r.policy.name, claimedBy: [], why: `${unclaimed}: the fallback, ${from}` };
}

/** "labels match spec.nifi.selectors[0]" → "... (app=nifi)"; a namespace or no-match reason gets the pod's labels. */
function withSelectors(reason: string, policy: Policy | undefined, pod: Json): string {
  if (!policy) return reason;
  const named = [...reason.matchAll(/spec\.(nifi|ca)\.selectors\[(\d+)\]/g)].map((m) => {
    const s = policy.spec[m[1] as 'nifi' | 'ca'].selectors[Number(m[2])];
    return s ? formatSelector(s) : m[0];
  });
  if (named.length > 0) return `${reason} (${named.join(' and ')})`;
  if (/match no NiFi or nifi-ca selector/.test(reason)) return `${reason} (pod labels ${formatLabels(podLabels(pod))})`;
  return reason;
}

/** What to do with a drifted pod: roll its workload, or recreate it when it has none. */
function remedy(pod: Json, namespace: string): string {
  const named = readPath(pod, 'metadata', 'name');
  const refs = readPath(pod, 'metadata', 'ownerReferences');
  const owner = Array.isArray(refs) ? (refs.find((r) => isJson(r) && r.controller === true) as Json | undefined) : undefined;
  const kind = owner && typeof owner.kind === 'string' ? owner.kind : undefined;
  const ownerName = owner && typeof owner.name === 'string' ? owner.name : '';
  if (kind === 'StatefulSet' || kind === 'DaemonSet') return `roll the workload: kubectl -n ${namespace} rollout restart ${kind.toLowerCase()}/${ownerName}`;
  const hash = podLabels(pod)['pod-template-hash'];
  if (kind === 'ReplicaSet' && hash && ownerName.endsWith(`-${hash}`)) {
    return `roll the workload: kubectl -n ${namespace} rollout restart deployment/${ownerName.slice(0, -hash.length - 1)}`;
  }
  if (typeof named !== 'string') return 'recreate the pod (its controller, if any, creates a new one when it is deleted)';
  if (kind) return `restart the pod: kubectl -n ${namespace} delete pod ${named} (its ${kind} ${ownerName} recreates it)`;
  return `recreate the pod: kubectl -n ${namespace} delete pod ${named}, then create it again`;
}
