// The MutatingWebhookConfiguration: one webhook entry per group of the policy's selectors, so that
// exactly the pods the policy may mutate are sent to the webhook, and no others.
//
// An objectSelector is one LabelSelector (an AND of requirements); the policy's selectors are an OR.
// Selectors that are a single matchLabels key are grouped by key into one `key In [values]` entry
// (the default policy's four selectors become today's two entries, `app` and
// `app.kubernetes.io/name`); every other selector is an entry of its own, kept whole. A pod matching
// two entries is sent twice; the mutation is idempotent, so the second call returns an empty patch.
// The install renders the entries for its own policy; with --watch-policies the leader keeps them in
// step with every policy in force (src/cluster/webhook-plan.ts), the cluster's NiFiTrustPolicy objects too.
import { createHash } from 'node:crypto';
import { API_GROUP, type LabelSelector } from '../policy/types.js';
import { labels, NAME } from './names.js';
import type { KubeObject } from './types.js';

/** Namespaces never sent to the webhook, besides its own. */
export const EXCLUDED_NAMESPACES: readonly string[] = Object.freeze(['kube-system', 'kube-node-lease']);

export interface WebhookSelector {
  /** Unique in the configuration, stable for the same selectors in any order: `pods-app.nifi-ca-guard.io`. */
  name: string;
  objectSelector: LabelSelector;
}

/** The webhook entries' names and objectSelectors, for a policy's selectors (NiFi and CA alike). */
export function webhookSelectors(selectors: readonly LabelSelector[]): WebhookSelector[] {
  return webhookGroups(selectors).map(({ name, objectSelector }) => ({ name, objectSelector }));
}

export interface WebhookGroup extends WebhookSelector {
  /** The indexes of the selectors this entry sends (so a caller can tell which policies it serves). */
  sources: number[];
}

/** webhookSelectors, each entry with the indexes of the selectors it covers. */
export function webhookGroups(selectors: readonly LabelSelector[]): WebhookGroup[] {
  const groups = new Map<string, { values: Set<string>; sources: number[] }>();
  const others = new Map<string, { selector: LabelSelector; sources: number[] }>();
  selectors.forEach((s, i) => {
    const single = singleLabel(s);
    if (single) {
      const [key, value] = single;
      if (!groups.has(key)) groups.set(key, { values: new Set(), sources: [] });
      groups.get(key)!.values.add(value);
      groups.get(key)!.sources.push(i);
    } else {
      const c = canonical(s);
      if (!others.has(c)) others.set(c, { selector: structuredClone(s), sources: [] });
      others.get(c)!.sources.push(i);
    }
  });
  const entries = [
    ...[...groups].map(([key, g]) => ({
      label: `pods-${slug(keyWords(key))}`,
      objectSelector: { matchExpressions: [{ key, operator: 'In' as const, values: [...g.values].sort() }] } as LabelSelector,
      sources: g.sources,
    })),
    ...[...others.values()].map((o) => ({ label: `pods-${slug(selectorWords(o.selector))}`, objectSelector: o.selector, sources: o.sources })),
  ].map((e) => ({ ...e, label: fitLabel(e.label, e.objectSelector) }));
  // Two selectors may spell the same words (app.kubernetes.io/name and app-name): each of those gets a
  // suffix from its own selector, so which one came first does not matter.
  const count = new Map<string, number>();
  for (const e of entries) count.set(e.label, (count.get(e.label) ?? 0) + 1);
  const named = entries.map((e) => ({
    name: `${count.get(e.label)! > 1 ? withHash(e.label, e.objectSelector) : e.label}.${API_GROUP}`,
    objectSelector: e.objectSelector,
    sources: e.sources,
  }));
  if (new Set(named.map((e) => e.name)).size !== named.length) throw new Error('webhook names are not unique');
  return named;
}

/** The whole MutatingWebhookConfiguration, calling the Service in `namespace`. */
export function mutatingWebhookConfiguration(selectors: readonly LabelSelector[], namespace: string): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: NAME, labels: labels() },
    webhooks: webhookSelectors(selectors).map(({ name, objectSelector }) => ({
      name,
      admissionReviewVersions: ['v1'],
      sideEffects: 'None',
      timeoutSeconds: 5,
      reinvocationPolicy: 'IfNeeded',
      failurePolicy: 'Fail',
      matchPolicy: 'Equivalent',
      // No caBundle: the webhook's leader (self-managed TLS) or cert-manager's CA injector sets it. Left
      // out here, `kubectl apply` never resets it (it only removes fields it applied before).
      clientConfig: { service: { name: NAME, namespace, path: '/mutate', port: 443 } },
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: 'Namespaced' }],
      namespaceSelector: {
        matchExpressions: [
          { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...new Set([...EXCLUDED_NAMESPACES, namespace])] },
        ],
      },
      objectSelector,
    })),
  };
}

/** `{matchLabels: {k: v}}` and nothing else: the kind of selector that groups by key. */
function singleLabel(s: LabelSelector): [string, string] | undefined {
  const entries = Object.entries(s.matchLabels ?? {});
  return entries.length === 1 && (s.matchExpressions ?? []).length === 0 ? entries[0] : undefined;
}

interface CanonicalSelector {
  labels: Array<[string, string]>;
  requirements: Array<[string, string, string[]]>;
}

/** Labels by key, requirements (with their values sorted, duplicates dropped) in a fixed order. */
function canonicalParts(s: LabelSelector): CanonicalSelector {
  const byString = new Map<string, [string, string, string[]]>();
  for (const e of s.matchExpressions ?? []) {
    const r: [string, string, string[]] = [e.key, e.operator, [...new Set(e.values ?? [])].sort()];
    byString.set(JSON.stringify(r), r);
  }
  return {
    labels: Object.entries(s.matchLabels ?? {}).sort(([a], [b]) => compare(a, b)),
    requirements: [...byString].sort(([a], [b]) => compare(a, b)).map(([, r]) => r),
  };
}

/** The same string for selectors that mean the same, whatever the order of labels, expressions or values. */
function canonical(s: LabelSelector): string {
  return JSON.stringify(canonicalParts(s));
}

/** Whether two selectors mean the same (labels, expressions and values in any order). */
export function sameSelector(a: LabelSelector, b: LabelSelector): boolean {
  return canonical(a) === canonical(b);
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** `app.kubernetes.io/name` reads `app-name` (the well-known prefix shortened); `example.com/role` reads `example-com-role`. */
function keyWords(key: string): string {
  const slash = key.lastIndexOf('/');
  if (slash < 0) return key;
  const prefix = key.slice(0, slash);
  return `${prefix === 'app.kubernetes.io' ? 'app' : prefix}-${key.slice(slash + 1)}`;
}

/** `{app: nifi, release: nifi}` reads `app-nifi-release-nifi`; `{key: tier, operator: Exists}` reads `tier-exists`. */
function selectorWords(s: LabelSelector): string {
  const { labels: l, requirements } = canonicalParts(s);
  return [...l.flatMap(([k, v]) => [keyWords(k), v]), ...requirements.flatMap(([k, op, values]) => [keyWords(k), op, ...values])].join('-');
}

/** Lowercase alphanumerics and single dashes: one DNS label's worth of text. */
function slug(words: string): string {
  return words.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

const HASH_CHARS = 8;
const MAX_LABEL = 63;

function withHash(label: string, selector: LabelSelector): string {
  const hash = createHash('sha256').update(canonical(selector)).digest('hex').slice(0, HASH_CHARS);
  return `${label.slice(0, MAX_LABEL - HASH_CHARS - 1).replace(/-+$/, '')}-${hash}`;
}

/** At most one DNS label (63 characters); a longer one is cut and made unique by its selector's hash. */
function fitLabel(label: string, selector: LabelSelector): string {
  return label.length <= MAX_LABEL ? label : withHash(label, selector);
}
