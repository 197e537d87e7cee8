// What preview did not do, and why: the webhook sees one pod at a time and stays silent about pods no
// selector matches; preview sees the whole release, so it can say which pods got no role and notice a
// NiFi or nifi-ca workload the policy's selectors miss. Pure: items and policy in, lines out.
import { classify } from '../mutation/classify.js';
import { namespaceSelected } from '../mutation/selector.js';
import { warning } from '../mutation/warnings.js';
import type { Policy } from '../policy/types.js';
import type { PodFacts, PreviewItem } from './preview.js';
import { formatLabels, formatSelectors } from './selectors.js';

export interface ItemCoverage {
  /** Warnings to add to the item's own (kubectl form, each under 120 characters). */
  warnings: string[];
  /** Why a pod-creating object got no role (`nifi-ca-guard: Kind/name: ...`); absent otherwise. */
  line?: string;
  /** It looks like NiFi or a nifi-ca yet got no role: what --fail-on-unmatched fails on. */
  unmatched: boolean;
}

type Miss = 'outside' | 'ambiguous' | 'labels';

/** One entry per item, in the same order. */
export function coverage(items: readonly PreviewItem[], policy: Policy): ItemCoverage[] {
  const misses = items.map((i) => (i.pod && i.role === 'none' ? miss(i.pod, policy) : undefined));
  const out: ItemCoverage[] = items.map((item, n) => ({
    warnings: [],
    ...(misses[n] ? lineFor(item, item.pod!, misses[n]!, policy) : {}),
    unmatched: misses[n] !== undefined && item.pod!.look !== undefined,
  }));

  // Anti-affinity terms are scoped to the pod's namespace, so a missed workload only matters to the
  // pods of its own namespace.
  for (const ns of new Set(items.flatMap((i) => (i.pod ? [i.pod.namespace] : [])))) {
    const here = items.map((item, n) => ({ item, n })).filter(({ item }) => item.pod?.namespace === ns);
    const missed = (role: string) => here.filter(({ item, n }) => misses[n] === 'labels' && item.pod!.look?.role === role).map(({ item }) => item);
    const got = (role: string) => here.filter(({ item }) => item.role === role);
    // Only when no workload got the other role: otherwise "match no ... here" would be untrue, and the
    // missed one still has its own line.
    const cross = [
      { missing: 'nifi-ca', to: 'nifi', text: 'spec.ca.selectors match no CA workload here' },
      { missing: 'nifi', to: 'nifi-ca', text: 'spec.nifi.selectors match no NiFi workload here' },
    ];
    for (const c of cross) {
      const m = missed(c.missing);
      if (m.length === 0 || got(c.missing).length > 0) continue;
      const more = m.length > 1 ? ` and ${m.length - 1} more` : '';
      const w = warning(`${c.text} (${m[0]!.ref} has ${formatLabels(m[0]!.pod!.labels)}${more})`);
      for (const { n } of got(c.to)) out[n]!.warnings.push(w);
    }
  }
  return out;
}

function miss(pod: PodFacts, policy: Policy): Miss {
  if (!namespaceSelected(policy.spec.namespaces, pod.namespace)) return 'outside';
  return classify(pod.labels, pod.namespace, policy).ambiguous ? 'ambiguous' : 'labels';
}

function lineFor(item: PreviewItem, pod: PodFacts, why: Miss, policy: Policy): { line?: string } {
  const { spec } = policy;
  switch (why) {
    case 'outside':
      return { line: `nifi-ca-guard: ${item.ref}: namespace ${pod.namespace} is outside policy ${policy.name} (spec.namespaces: ${spec.namespaces.join(', ')})` };
    case 'ambiguous':
      return {}; // the mutation's own warning already says both selectors match
    case 'labels': {
      const look = pod.look ? `; it looks like ${pod.look.role === 'nifi-ca' ? 'a nifi-ca' : 'NiFi'} (${pod.look.why})` : '';
      return {
        line:
          `nifi-ca-guard: ${item.ref}: no role: pod labels ${formatLabels(pod.labels)} match no ` +
          `spec.nifi.selectors (${formatSelectors(spec.nifi.selectors)}) or spec.ca.selectors (${formatSelectors(spec.ca.selectors)})${look}`,
      };
    }
  }
}
