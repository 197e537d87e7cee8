import { cloneJson } from '../json.js';
import type { LabelSelector, PolicySpec } from '../policy/types.js';
import { arrayAt, canonical, isJson, objectAt, readPath, type Json } from './pod.js';
import type { StepOutcome } from './step.js';

type Placement = PolicySpec['placement'];

const REQUIRED = 'requiredDuringSchedulingIgnoredDuringExecution';
const PREFERRED = 'preferredDuringSchedulingIgnoredDuringExecution';

/**
 * Adds one podAntiAffinity term per selector in `against`, scoped to the pod's namespace, so the
 * pod never shares a topology domain with the other role. Existing terms are kept; a term that is
 * already there (as required, or as preferred when preferred suffices) is not added twice.
 */
export function planAntiAffinity(
  pod: Json,
  against: readonly LabelSelector[],
  namespace: string,
  placement: Placement,
  otherRole: string,
): StepOutcome {
  const outcome: StepOutcome = { feature: 'anti-affinity', state: 'present', detail: placement.mode, warnings: [] };
  const anti = readPath(pod, 'spec', 'affinity', 'podAntiAffinity');
  const existing = new Set(isJson(anti) ? existingTermKeys(anti, namespace, placement.mode === 'preferred') : []);
  const missing: Json[] = [];
  for (const selector of against) {
    const term: Json = { labelSelector: cloneJson(selector), topologyKey: placement.topologyKey, namespaces: [namespace] };
    const key = termKey(term, namespace);
    if (existing.has(key)) continue;
    existing.add(key);
    missing.push(placement.mode === 'required' ? term : { weight: placement.weight, podAffinityTerm: term });
  }
  if (missing.length === 0) return outcome;
  // Parents are created only now, so a pod that needs nothing keeps its exact shape.
  const spec = objectAt(pod, 'spec');
  const affinity = spec && objectAt(spec, 'affinity');
  const antiObj = affinity && objectAt(affinity, 'podAntiAffinity');
  const list = antiObj && arrayAt(antiObj, placement.mode === 'required' ? REQUIRED : PREFERRED);
  if (!list) {
    return { ...outcome, state: 'skipped', warnings: ['spec.affinity is malformed; anti-affinity not added'] };
  }
  list.push(...missing);
  outcome.state = 'added';
  outcome.notes = [`added ${placement.mode} anti-affinity against ${otherRole} pods (${placement.topologyKey})`];
  return outcome;
}

function existingTermKeys(anti: Json, namespace: string, includePreferred: boolean): string[] {
  const keys: string[] = [];
  const required = anti[REQUIRED];
  if (Array.isArray(required)) for (const t of required) if (isJson(t)) keys.push(termKey(t, namespace));
  const preferred = anti[PREFERRED];
  if (includePreferred && Array.isArray(preferred)) {
    for (const w of preferred) if (isJson(w) && isJson(w.podAffinityTerm)) keys.push(termKey(w.podAffinityTerm, namespace));
  }
  return keys;
}

/** An absent or empty `namespaces` means the pod's own namespace: both compare equal. */
function termKey(term: Json, namespace: string): string {
  const ns = Array.isArray(term.namespaces) && term.namespaces.length > 0 ? [...(term.namespaces as string[])].sort() : [namespace];
  return canonical({
    labelSelector: term.labelSelector,
    topologyKey: term.topologyKey,
    namespaces: ns,
    namespaceSelector: term.namespaceSelector,
  });
}
