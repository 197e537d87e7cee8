import type { LabelSelector } from './types.js';

/** Kubernetes LabelSelector semantics: every matchLabels entry and every expression must hold. */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, req.key);
    const value = labels[req.key];
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!has || !values.includes(value as string)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(value as string)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** Namespace patterns are names or globs with `*` and `?`; an empty list selects every namespace. */
export function namespaceSelected(patterns: readonly string[], namespace: string): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((p) => globToRegExp(p).test(namespace));
}

/** Patterns come from the policies in force (a handful), so each is compiled once, not per review. */
const compiled = new Map<string, RegExp>();

function globToRegExp(glob: string): RegExp {
  let re = compiled.get(glob);
  if (!re) {
    const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`);
    if (compiled.size >= 1024) compiled.clear(); // policies edited many times: start afresh
    compiled.set(glob, re);
  }
  return re;
}
