// Labels and label selectors written the way kubectl prints them (`kubectl describe`, `get -o wide`),
// so a user compares what preview says with what the cluster says without translating.
import type { LabelSelector, LabelSelectorRequirement } from '../policy/types.js';

/** `k=v,k2=v2`, keys sorted as kubectl's labels.FormatLabels; `<none>` for no labels. */
export function formatLabels(labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels).sort();
  return keys.length > 0 ? keys.map((k) => `${k}=${labels[k]}`).join(',') : '<none>';
}

/**
 * One selector as metav1.FormatLabelSelector prints it: matchLabels as `k=v`, expressions as
 * `k in (a,b)`, `k notin (a,b)`, `k`, `!k`; requirements sorted by key, values sorted; `<none>` when empty.
 */
export function formatSelector(selector: LabelSelector): string {
  const reqs: Array<{ key: string; text: string }> = [
    ...Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({ key, text: `${key}=${value}` })),
    ...(selector.matchExpressions ?? []).map((r) => ({ key: r.key, text: requirement(r) })),
  ];
  // Array.prototype.sort is stable: two requirements on one key keep their written order.
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return reqs.length > 0 ? reqs.map((r) => r.text).join(',') : '<none>';
}

/** A policy's list of selectors (any one matching is enough), joined by ` | `. */
export function formatSelectors(selectors: readonly LabelSelector[]): string {
  return selectors.map(formatSelector).join(' | ');
}

function requirement(r: LabelSelectorRequirement): string {
  const values = `(${[...(r.values ?? [])].sort().join(',')})`;
  switch (r.operator) {
    case 'In':
      return `${r.key} in ${values}`;
    case 'NotIn':
      return `${r.key} notin ${values}`;
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
  }
}
