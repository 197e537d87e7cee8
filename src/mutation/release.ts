// Charts label every pod of a release alike (Helm 2's `release`, Helm 3's `app.kubernetes.io/instance`).
// A selector that pins that label to another value can never select the other role of the pod's own
// release: anti-affinity built from it keeps nothing apart. Knowable from the pod alone.
import type { LabelSelector } from '../policy/types.js';

const RELEASE_KEYS = ['release', 'app.kubernetes.io/instance'] as const;

/** `key=value` of the pod's release label when every selector excludes that release; else undefined. */
export function excludedRelease(labels: Readonly<Record<string, string>>, selectors: readonly LabelSelector[]): string | undefined {
  if (selectors.length === 0) return undefined;
  for (const key of RELEASE_KEYS) {
    const value = labels[key];
    if (value !== undefined && selectors.every((s) => excludes(s, key, value))) return `${key}=${value}`;
  }
  return undefined;
}

function excludes(s: LabelSelector, key: string, value: string): boolean {
  const wanted = s.matchLabels?.[key];
  if (wanted !== undefined && wanted !== value) return true;
  return (s.matchExpressions ?? []).some(
    (e) =>
      e.key === key &&
      ((e.operator === 'In' && !(e.values ?? []).includes(value)) ||
        (e.operator === 'NotIn' && (e.values ?? []).includes(value)) ||
        e.operator === 'DoesNotExist'),
  );
}
