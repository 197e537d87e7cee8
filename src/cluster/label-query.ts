import type { LabelSelector } from '../policy/types.js';

/**
 * A LabelSelector as the API's `labelSelector` query parameter (the same selection server-side):
 * `k=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, joined by commas (AND). Values are sorted so equal
 * selectors give one string, hence one watch. The policy validator refuses an empty selector, which
 * would be "" here: every pod.
 */
export function labelSelectorQuery(selector: LabelSelector): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(selector.matchLabels ?? {}).sort(([a], [b]) => a.localeCompare(b))) parts.push(`${k}=${v}`);
  for (const r of selector.matchExpressions ?? []) {
    const values = [...(r.values ?? [])].sort().join(',');
    switch (r.operator) {
      case 'In':
        parts.push(`${r.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${r.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(r.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${r.key}`);
        break;
    }
  }
  return parts.join(',');
}
