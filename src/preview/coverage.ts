// What preview did not do, and why: the webhook sees one pod at a time and stays silent about pods no
// selector matches; preview sees the whole release, so it can say which pods got no role and notice a
// NiFi or nifi-ca workload the policy's selectors miss. Pure: items and policy in, lines out.
import { classify } from '../mutation/classify.js';
import { namespaceSelected } from '../policy/match.js';
import { warning } from '../mutation/warnings.js';
import type { Policy } from '../policy/types.js';
import type { PodFacts, PreviewItem } from './preview.js';
import { formatLabels, formatSelectors } from './selectors.js';

export interface ItemCoverage {
  /** Warnings to add to the item's own (kubectl form, each under 120 characters). */
  warnings: string[];
  /** Why a pod-creating object got no role (`nifi-ca-guard: Kind/name: ...`); undefined otherwise. */
  line?: string;
  /** It looks like NiFi or a nifi-ca yet got no role: what --fail-on-unmatched fails on. */
  unmatched: boolean;
}

/** Why a pod-creating object got no role. */
interface Miss {
  why: 'outside' | 'ambiguous' | 'labels';
  pod: PodFacts;
}

/** One entry per item, in the same order. */
export function coverage(items: readonly PreviewItem[], policy: Policy): ItemCoverage[] {
  const misses = items.map((i) => (i.pod && i.role === 'none' ? missOf(i.pod, policy) : undefined));
  const out: ItemCoverage[] = items.map((item, n) => {
    const m = misses[n];
    return { warnings: [], line: m && lineFor(item.ref, m, policy), unmatched: m?.pod.look !== undefined };
  });
  for (const { n, text } of crossWarnings(items, misses)) out[n]!.warnings.push(text);
  return out;
}

function missOf(pod: PodFacts, policy: Policy): Miss {
  if (!namespaceSelected(policy.spec.namespaces, pod.namespace)) return { why: 'outside', pod };
  return { why: classify(pod.labels, pod.namespace, policy).ambiguous ? 'ambiguous' : 'labels', pod };
}

function lineFor(ref: string, { why, pod }: Miss, policy: Policy): string | undefined {
  const { spec } = policy;
  switch (why) {
    case 'outside':
      return `nifi-ca-guard: ${ref}: namespace ${pod.namespace} is outside policy ${policy.name} (spec.namespaces: ${spec.namespaces.join(', ')})`;
    case 'ambiguous':
      return undefined; // the mutation's own warning already says both selectors match
    case 'labels': {
      const look = pod.look ? `; it looks like ${pod.look.role === 'nifi-ca' ? 'a nifi-ca' : 'NiFi'} (${pod.look.why})` : '';
      return (
        `nifi-ca-guard: ${ref}: no role: pod labels ${formatLabels(pod.labels)} match no ` +
        `spec.nifi.selectors (${formatSelectors(spec.nifi.selectors)}) or spec.ca.selectors (${formatSelectors(spec.ca.selectors)})${look}`
      );
    }
  }
}

const CROSS = [
  { missed: 'nifi-ca', warned: 'nifi', text: 'spec.ca.selectors match no CA workload here' },
  { missed: 'nifi', warned: 'nifi-ca', text: 'spec.nifi.selectors match no NiFi workload here' },
] as const;

/**
 * A workload that looks like one role but whose labels no selector matches, beside workloads that got
 * the other role: their anti-affinity is built from selectors that miss it. Anti-affinity terms are
 * scoped to the pod's namespace, so only the same namespace counts; and only when no workload there
 * got the missed role, or "match no ... here" would be untrue (the missed one still has its own line).
 */
function crossWarnings(items: readonly PreviewItem[], misses: ReadonlyArray<Miss | undefined>): Array<{ n: number; text: string }> {
  const found: Array<{ n: number; text: string }> = [];
  const namespaces = new Set(items.flatMap((i) => (i.pod ? [i.pod.namespace] : [])));
  for (const ns of namespaces) {
    const here = items.map((item, n) => ({ item, n, miss: misses[n] })).filter(({ item }) => item.pod?.namespace === ns);
    for (const c of CROSS) {
      const missed = here.filter(({ miss }) => miss?.why === 'labels' && miss.pod.look?.role === c.missed);
      if (missed.length === 0 || here.some(({ item }) => item.role === c.missed)) continue;
      const first = missed[0]!;
      const more = missed.length > 1 ? ` and ${missed.length - 1} more` : '';
      const text = warning(`${c.text} (${first.item.ref} has ${formatLabels(first.miss!.pod.labels)}${more})`);
      for (const { item, n } of here) if (item.role === c.warned) found.push({ n, text });
    }
  }
  return found;
}
