// Selectors that match exactly the NiFi pods and exactly the nifi-ca pods of the input: each
// workload's own spec.selector.matchLabels when its template carries them, else its template labels
// minus those that change with every chart version or pod. Then proven apart: no NiFi selector
// matches a nifi-ca template and no nifi-ca selector a NiFi one (narrowed with a label when needed),
// and none matches the input's other workloads (narrowed when possible, else said in a comment).
import { canonical, isJson, readPath } from '../mutation/pod.js';
import { selectorMatches } from '../policy/match.js';
import type { LabelSelector } from '../policy/types.js';
import { SuggestError } from './errors.js';
import type { Found } from './find.js';
import type { Workload } from './types.js';

/** Labels that differ between chart versions, revisions or pods of one workload: never selected on. */
export const VOLATILE_LABELS: readonly string[] = [
  'chart',
  'heritage',
  'helm.sh/chart',
  'app.kubernetes.io/version',
  'app.kubernetes.io/managed-by',
  'pod-template-hash',
  'controller-revision-hash',
  'statefulset.kubernetes.io/pod-name',
];

/** The keys charts put the release name in (Helm 2 and Helm 3 conventions). */
export const RELEASE_LABELS = ['release', 'app.kubernetes.io/instance'] as const;

export interface ChosenSelector {
  selector: LabelSelector;
  /** The workloads this selector was chosen for (several when they share one). */
  workloads: Workload[];
  /** Why it looks as it does, one line each. */
  why: string[];
}

/** The template labels a selector may rely on. */
export function stableLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([k]) => !VOLATILE_LABELS.includes(k)));
}

/** The selector for one workload's pods, before it is checked against the others. */
export function ownSelector(w: Workload): ChosenSelector {
  const matchLabels = readPath(w.owner, 'spec', 'selector', 'matchLabels');
  if (isJson(matchLabels)) {
    const entries = Object.entries(matchLabels);
    if (entries.length > 0 && entries.every(([k, v]) => typeof v === 'string' && w.labels[k] === v)) {
      const release = RELEASE_LABELS.find((k) => k in matchLabels);
      return {
        selector: { matchLabels: Object.fromEntries(entries) as Record<string, string> },
        workloads: [w],
        why: [`${w.ref}: its spec.selector.matchLabels${release ? ` (${release} keeps other releases' pods out)` : ''}`],
      };
    }
  }
  const stable = stableLabels(w.labels);
  if (Object.keys(stable).length === 0) {
    throw new SuggestError(`${w.ref} has no pod template labels to select its pods by: give its template a label such as app: ${w.role === 'nifi-ca' ? 'nifi-ca' : 'nifi'}`);
  }
  const dropped = Object.keys(w.labels).filter((k) => VOLATILE_LABELS.includes(k));
  return {
    selector: { matchLabels: stable },
    workloads: [w],
    why: [`${w.ref}: its pod template labels${dropped.length > 0 ? ` without ${dropped.join(', ')} (they change between versions)` : ''}`],
  };
}

/**
 * Makes `chosen` stop matching `other`'s template while still matching its own workloads: a label
 * of its own that `other` lacks or sets differently, else "no such label" for one `other` has.
 * Returns what was added, undefined when it did not match, or null when no label tells them apart.
 */
export function narrowAgainst(chosen: ChosenSelector, other: Workload): string | undefined | null {
  if (!selectorMatches(chosen.selector, other.labels)) return undefined;
  const sel = chosen.selector;
  // A label every one of its workloads carries with the same value, and `other` does not.
  const own = chosen.workloads.map((w) => stableLabels(w.labels));
  for (const [key, value] of Object.entries(own[0]!)) {
    if (other.labels[key] === value || !own.every((l) => l[key] === value)) continue;
    sel.matchLabels = { ...sel.matchLabels, [key]: value };
    return `${key}: ${value}`;
  }
  for (const key of Object.keys(stableLabels(other.labels))) {
    if (chosen.workloads.some((w) => key in w.labels)) continue;
    sel.matchExpressions = [...(sel.matchExpressions ?? []), { key, operator: 'DoesNotExist' }];
    return `no ${key} label`;
  }
  return null;
}

export interface SelectorChoice {
  nifi: ChosenSelector[];
  ca: ChosenSelector[];
  /** Other workloads a selector still matches, as comment lines. */
  overlaps: string[];
}

/** Both sides' selectors, proven apart; refuses when NiFi and nifi-ca pods cannot be told apart by labels. */
export function chooseSelectors(found: Found): SelectorChoice {
  const nifi = dedupe(found.nifi.map(ownSelector));
  const ca = dedupe(found.ca.map(ownSelector));
  for (const [side, against] of [[nifi, found.ca], [ca, found.nifi]] as const) {
    for (const chosen of side) {
      for (const other of against) {
        const added = narrowAgainst(chosen, other);
        if (added === null) {
          const [mine, theirs] = side === nifi ? [chosen.workloads[0]!.ref, other.ref] : [other.ref, chosen.workloads[0]!.ref];
          throw new SuggestError(
            `cannot tell NiFi ${mine} from nifi-ca ${theirs} by their pod labels: give one of the two pod templates a label the other lacks`,
          );
        }
        if (added) chosen.why.push(`+ ${added}, so it does not select ${other.ref}`);
      }
    }
  }
  const overlaps: string[] = [];
  for (const [side, role] of [[nifi, 'NiFi'], [ca, 'nifi-ca']] as const) {
    for (const chosen of side) {
      for (const other of found.other) {
        const added = narrowAgainst(chosen, other);
        if (added === null) overlaps.push(`WARNING: ${other.ref} carries every label of ${chosen.workloads[0]!.ref}: it will be treated as ${role}; give it a label of its own`);
        else if (added) chosen.why.push(`+ ${added}, so it does not select ${other.ref}`);
      }
    }
  }
  // Prove it: whatever was narrowed, each selector still selects its own pods and none of the other side's.
  for (const [side, against] of [[nifi, found.ca], [ca, found.nifi]] as const) {
    for (const chosen of side) {
      if (!chosen.workloads.every((w) => selectorMatches(chosen.selector, w.labels)) || against.some((w) => selectorMatches(chosen.selector, w.labels))) {
        throw new Error(`internal error: the selector for ${chosen.workloads[0]!.ref} does not separate NiFi from nifi-ca`);
      }
    }
  }
  return { nifi: dedupe(nifi), ca: dedupe(ca), overlaps };
}

/** Workloads with the same selector share one entry. */
function dedupe(list: ChosenSelector[]): ChosenSelector[] {
  const byKey = new Map<string, ChosenSelector>();
  for (const c of list) {
    const key = canonical(c.selector);
    const seen = byKey.get(key);
    if (seen) {
      seen.workloads.push(...c.workloads);
      seen.why.push(...c.why);
    } else byKey.set(key, { selector: c.selector, workloads: [...c.workloads], why: [...c.why] });
  }
  return [...byKey.values()];
}
