// Drift: whether what an admitted pod carries is what the policy would inject now. The status
// annotation catches a feature added, dropped or changed in kind (placement mode, truststore format,
// wiring, the pinned Secret); the injected objects, compared field by field with what mutatePod plans
// for the stripped pod, catch the rest (Secret names, mount paths, init images, passwords' sources).
import { ENV_PATH, TRUSTSTORE_ENV } from '../mutation/names.js';
import { findByName, isJson, readPath, type Json } from '../mutation/pod.js';
import type { MutationResult } from '../mutation/result.js';
import { statusOf } from '../mutation/step.js';
import { differences } from './compare.js';
import { INJECTING, OWNED, type Admitted, type InjectingFeature } from './owned.js';

export interface FeatureDrift {
  feature: string;
  state: 'in-step' | 'drifted';
  /** What differs, carried → now ("image: nifi-ca-guard:1 → nifi-ca-guard:2"); empty when in step. */
  differences: string[];
}

export interface PodDrift {
  /** Pod-level differences: the policy or role it was admitted under. */
  differences: string[];
  features: FeatureDrift[];
  drifted: boolean;
}

/**
 * `fresh`: mutateUnder on the stripped pod (what a new pod like it would get now); `status`: the
 * features it would carry (empty when the webhook would inject nothing: audit, opt-out, conflict, no role).
 */
export function podDrift(pod: Json, admitted: Admitted, fresh: MutationResult, policyName: string | undefined): PodDrift {
  const injects = fresh.auditAnnotations.decision === 'mutated';
  const expected = injects ? fresh.pod : undefined;
  const status = new Map<string, string>();
  if (injects) for (const s of fresh.steps) status.set(s.feature, statusOf(s).slice(s.feature.length + 1));

  const top: string[] = [];
  if (admitted.policy !== undefined && policyName !== undefined && admitted.policy !== policyName) {
    top.push(`admitted under policy ${admitted.policy}; policy ${policyName} governs it now`);
  }
  if (admitted.policy !== undefined && policyName === undefined) top.push(`admitted under policy ${admitted.policy}; no single policy governs it now`);
  if (admitted.role !== undefined && admitted.role !== fresh.role) top.push(`admitted as ${admitted.role}; its role now is ${fresh.role}`);
  if (!injects && fresh.role !== 'none') top.push(`the webhook would inject nothing now (decision: ${fresh.auditAnnotations.decision ?? 'none'})`);

  const names = [...new Set([...admitted.status.keys(), ...status.keys()])];
  const features = names.map((feature): FeatureDrift => {
    const was = admitted.status.get(feature);
    const now = status.get(feature);
    const diffs: string[] = [];
    if (was === undefined && now !== undefined) diffs.push(`not carried; the policy now adds it (${now})`);
    else if (was !== undefined && now === undefined) diffs.push(`carried (${was}); the policy no longer adds it`);
    else if (was !== now) diffs.push(`${was} → ${now}`);
    const step = fresh.steps.find((s) => s.feature === feature);
    if (feature === 'anti-affinity' && injects && step?.state === 'added') {
      diffs.push(`lacks the term the policy now asks for: ${(step.notes ?? []).join('; ').replace(/^added /, '')}`);
    }
    if (isInjecting(feature) && was !== undefined && was !== 'skipped' && now !== undefined && now !== 'skipped' && expected) {
      diffs.push(...objectDrift(pod, expected, feature));
    }
    return { feature, state: diffs.length > 0 ? 'drifted' : 'in-step', differences: diffs };
  });
  return { differences: top, features, drifted: top.length > 0 || features.some((f) => f.state === 'drifted') };
}

const isInjecting = (f: string): f is InjectingFeature => (INJECTING as string[]).includes(f);

/** The feature's volumes, init containers, mounts, TRUSTSTORE_* env and workingDir, carried against planned. */
function objectDrift(pod: Json, expected: Json, feature: InjectingFeature): string[] {
  const own = OWNED[feature];
  const out: string[] = [];
  const list = (p: Json, key: string): unknown[] => {
    const v = readPath(p, 'spec', key);
    return Array.isArray(v) ? v : [];
  };
  for (const name of own.volumes) out.push(...itemDrift(findByName(list(pod, 'volumes'), name), findByName(list(expected, 'volumes'), name), `volume ${name}`));
  for (const name of own.inits) {
    const a = findByName(list(pod, 'initContainers'), name);
    const e = findByName(list(expected, 'initContainers'), name);
    out.push(...itemDrift(a && without(a, 'volumeMounts'), e && without(e, 'volumeMounts'), `init container ${name}`));
    // Admission plugins add mounts of their own (the ServiceAccount token): ours must be among them.
    if (a && e) for (const m of arrayOf(e.volumeMounts)) if (!arrayOf(a.volumeMounts).some((x) => differences(x, m, '').length === 0)) out.push(`init container ${name}: mount ${String(m.name)} at ${String(m.mountPath)} missing or changed`);
  }
  const carried = list(pod, 'containers');
  for (const e of list(expected, 'containers').filter(isJson)) {
    const a = findByName(carried, String(e.name));
    if (!a) continue;
    const at = `container ${String(e.name)}`;
    // The user may mount our volume elsewhere too: ours must be among the mounts of that name.
    for (const m of arrayOf(e.volumeMounts).filter((x) => (own.mounts as readonly string[]).includes(String(x.name)))) {
      const same = arrayOf(a.volumeMounts).filter((x) => x.name === m.name);
      if (!same.some((x) => differences(x, m, '').length === 0)) out.push(...itemDrift(same[0], m, `${at}: mount ${String(m.name)}`));
    }
    if (feature === 'trust-bundle') {
      // Only where the plan puts TRUSTSTORE_PATH: a container whose own env the webhook left alone has none planned.
      const planned = arrayOf(e.env).filter((x) => (TRUSTSTORE_ENV as readonly string[]).includes(String(x.name)));
      if (planned.some((x) => x.name === ENV_PATH)) for (const x of planned) out.push(...itemDrift(findByName(arrayOf(a.env), String(x.name)), x, `${at}: env ${String(x.name)}`));
    }
    if (feature === 'ca-pinning' && e.workingDir !== a.workingDir && typeof e.workingDir === 'string') {
      out.push(`${at}: workingDir ${String(a.workingDir ?? '(none)')} → ${e.workingDir}`);
    }
  }
  return out;
}

function itemDrift(actual: Json | undefined, expected: Json | undefined, at: string): string[] {
  // One of our names the plan does not use may be the user's (a feature dropped shows in the status).
  if (!expected) return [];
  if (!actual) return [`${at}: missing`];
  return differences(actual, expected, at).map((d) => d.replace(`${at}.`, `${at}: `));
}

function arrayOf(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter(isJson) : [];
}

function without(o: Json, key: string): Json {
  const { [key]: _dropped, ...rest } = o;
  return rest;
}
