// The webhook configuration that follows the policies, as a pure function: the live
// MutatingWebhookConfiguration's entries and the policies in force -> the entries it should hold.
//
// Ours: the entries' names and objectSelectors (one per group of selectors, as the install renders
// them: webhookGroups), and in each namespaceSelector the `kubernetes.io/metadata.name` requirements.
// The install's (Helm, kustomize or `manifests`): everything else in an entry, caBundle included (set by
// self-managed TLS or cert-manager). An entry the configuration already holds keeps its own settings; a
// new one copies the first entry's, so it carries the caBundle in force from its first write.
//
// Decisions, so that the result is one fixed point (no flapping writes, nothing written when equal):
// - every policy counts, the fallback too. A fallback naming no namespaces governs every namespace no
//   cluster policy claims, which a namespaceSelector cannot say: its selectors go everywhere (less the
//   exclusions), and a pod it does not govern gets an empty patch: a round trip, never a missed pod;
// - an entry is narrowed to namespaces by name only when every policy it serves names literal ones (a
//   glob cannot be written as a selector), and only when the API server labels every namespace with
//   its name (Kubernetes 1.21+): on 1.20 an unlabelled namespace would silently never be sent;
// - the exclusions the install wrote stay, in its order; kube-system, kube-node-lease and the webhook's
//   own namespace are added when missing (never sent, whatever a policy names);
// - entries the configuration holds keep their order; new ones follow, sorted by name; an objectSelector
//   that means the same as the one wanted is left as written;
// - at most MAX_ENTRIES entries (each is one more call per matching pod), and never none (the install's
//   settings would be lost with the last one): otherwise nothing is written and the problem is reported.
import { EXCLUDED_NAMESPACES, sameSelector, webhookGroups } from '../install/webhook-configuration.js';
import { isJson, type Json } from '../json.js';
import { jsonEqual } from '../mutation/json-equal.js';
import type { PolicySet } from '../policy/policy-set.js';
import type { LabelSelector, Policy } from '../policy/types.js';

/** More entries than this are refused: merge selectors (one label key per group) instead. */
export const MAX_ENTRIES = 20;

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface WebhookPlanInput {
  /** The live configuration's `webhooks`, as read. */
  live: readonly Json[];
  policies: PolicySet;
  /** The webhook's own namespace: never sent to it. */
  namespace: string;
  /** The API server labels every namespace with `kubernetes.io/metadata.name` (1.21+): entries may name namespaces. */
  namespaceNames: boolean;
}

export interface WebhookPlan {
  /** The entries the configuration should hold (the live ones when nothing is to be written). */
  webhooks: Json[];
  write: boolean;
  /** Entry names, for the log. */
  added: string[];
  removed: string[];
  changed: string[];
  /** Why nothing can be written (then `write` is false); for the log. */
  problems: string[];
}

export function planWebhooks(input: WebhookPlanInput): WebhookPlan {
  const live = input.live.filter(isJson);
  const policies: Policy[] = [input.policies.fallback, ...input.policies.cluster];
  const selectors: LabelSelector[] = [];
  const owner: Policy[] = [];
  for (const p of policies) {
    for (const s of [...p.spec.nifi.selectors, ...p.spec.ca.selectors]) {
      selectors.push(s);
      owner.push(p);
    }
  }
  const groups = webhookGroups(selectors);
  const unchanged = (problem: string): WebhookPlan => ({ webhooks: structuredClone(live), write: false, added: [], removed: [], changed: [], problems: [problem] });
  if (live.length === 0) return unchanged('the webhook configuration has no entry to copy the install\'s settings from; left as it is');
  if (groups.length === 0) return unchanged('the policies select no pods; the webhook configuration is left as it is');
  if (groups.length > MAX_ENTRIES) {
    return unchanged(`the policies need ${groups.length} webhook entries, more than ${MAX_ENTRIES}; left as it is (use fewer label keys in the selectors)`);
  }

  const byName = new Map<string, Json>();
  for (const w of live) if (typeof w.name === 'string' && !byName.has(w.name)) byName.set(w.name, w);
  const excluded = [...new Set([...EXCLUDED_NAMESPACES, input.namespace])];
  const wanted = new Map<string, Json>();
  for (const g of groups) {
    const own = byName.get(g.name);
    const entry = structuredClone(own ?? live[0]!);
    entry.name = g.name;
    const kept = own && isJson(own.objectSelector) && sameSelector(own.objectSelector as LabelSelector, g.objectSelector);
    entry.objectSelector = kept ? own.objectSelector : structuredClone(g.objectSelector);
    const served = [...new Set(g.sources.map((i) => owner[i]!))];
    entry.namespaceSelector = namespaceSelector(entry.namespaceSelector, excluded, input.namespaceNames ? namedNamespaces(served) : undefined);
    wanted.set(g.name, entry);
  }

  const liveNames = [...byName.keys()];
  const added = [...wanted.keys()].filter((n) => !byName.has(n)).sort(compare);
  const order = [...liveNames.filter((n) => wanted.has(n)), ...added];
  const webhooks = order.map((n) => wanted.get(n)!);
  return {
    webhooks,
    write: !jsonEqual(live, webhooks),
    added,
    removed: liveNames.filter((n) => !wanted.has(n)),
    changed: liveNames.filter((n) => wanted.has(n) && !jsonEqual(byName.get(n), wanted.get(n))),
    problems: [],
  };
}

/** The namespaces named by every policy, when all of them name only literal ones; else undefined. */
function namedNamespaces(policies: readonly Policy[]): string[] | undefined {
  const names = new Set<string>();
  for (const p of policies) {
    const ns = p.spec.namespaces;
    if (ns.length === 0 || ns.some((n) => /[*?]/.test(n))) return undefined;
    for (const n of ns) names.add(n);
  }
  return [...names].sort(compare);
}

/**
 * The install's namespaceSelector (its matchLabels, its other expressions and its exclusions, in its
 * order), with the required exclusions added and our `In` requirement replaced by `names`.
 */
function namespaceSelector(current: unknown, excluded: readonly string[], names: readonly string[] | undefined): Json {
  const selector: Json = isJson(current) ? structuredClone(current) : {};
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  const out: unknown[] = [];
  let exclusions = false;
  for (const e of expressions) {
    if (isJson(e) && e.key === NAMESPACE_NAME_LABEL && e.operator === 'In') continue; // ours, recomputed below
    if (isJson(e) && e.key === NAMESPACE_NAME_LABEL && e.operator === 'NotIn' && !exclusions) {
      const values = Array.isArray(e.values) ? e.values.filter((v): v is string => typeof v === 'string') : [];
      out.push({ ...e, values: [...values, ...excluded.filter((n) => !values.includes(n))] });
      exclusions = true;
      continue;
    }
    out.push(e);
  }
  if (!exclusions) out.push({ key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: [...excluded] });
  if (names) out.push({ key: NAMESPACE_NAME_LABEL, operator: 'In', values: [...names] });
  return { ...selector, matchExpressions: out };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
