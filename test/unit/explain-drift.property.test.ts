// explain's drift check against the fuzz's generated pods and policies: a pod just admitted by the
// webhook is always "in step" with the policy that admitted it (no false alarm, whatever the pod's own
// volumes, env, mounts and affinity), and it drifts under any other policy that would inject otherwise.
import { expect } from 'chai';
import { explainPod, FACTS_NOT_CHECKED } from '../../src/explain/explain.js';
import { admittedBy } from '../../src/explain/owned.js';
import type { Json } from '../../src/json.js';
import { NO_FACTS } from '../../src/mutation/facts.js';
import { mutatePod } from '../../src/mutation/mutate.js';
import { singlePolicy } from '../../src/policy/policy-set.js';
import type { Policy } from '../../src/policy/types.js';
import { generateReview } from '../fuzz/generate.js';
import { fuzzPolicies } from '../fuzz/policies.js';
import { Rng, runSeed } from '../fuzz/prng.js';

const N = Number(process.env.EXPLAIN_FUZZ_N ?? 1500);

function explain(pod: Json, namespace: string, policy: Policy) {
  return explainPod({
    ref: 'Pod/p',
    pod,
    namespace,
    policies: { set: singlePolicy(policy), fallback: { source: 'builtin', where: '' }, clusterRead: false },
    facts: NO_FACTS,
    factsReport: FACTS_NOT_CHECKED,
    running: false,
  });
}

function refused(pod: Json): boolean {
  const containers = (pod.spec as Json | undefined)?.containers;
  if (!Array.isArray(containers)) return false;
  const names = containers.map((c) => String((c as Json | null)?.name));
  if (new Set(names).size !== names.length) return true;
  return containers.some((c) => {
    const mounts = (c as Json | null)?.volumeMounts;
    if (!Array.isArray(mounts)) return false;
    const paths = mounts.map((m) => String((m as Json | null)?.mountPath).replace(/\/+$/, ''));
    return new Set(paths).size !== paths.length;
  });
}

describe('explain drift on generated pods (property)', () => {
  const seed = runSeed();
  const policies = fuzzPolicies();

  it(`a freshly admitted pod is in step with its policy; under another policy it drifts exactly when that policy's fresh injection differs (${N} pods, seed ${seed})`, () => {
    let admitted = 0;
    let drifted = 0;
    for (let i = 0; i < N; i++) {
      const g = generateReview(new Rng(seed, i), i, policies);
      if (!g.podCreate) continue;
      const request = g.review.request as Json;
      const pod = request.object as Json;
      const namespace = String(request.namespace);
      const policy = policies[g.policy]!;
      const first = mutatePod(structuredClone(pod), namespace, policy);
      // Malformed metadata.annotations: the webhook could not mark the pod, and nothing tells it was admitted.
      // A pre-mutated pod arrives with our items already there, and maybe altered by the fuzz (another
      // webhook's doing): what it carries is not what this policy injects, and saying so is right.
      // And pods the API server refuses (two containers of one name, two mounts at one path) are never admitted.
      if (first.auditAnnotations.decision !== 'mutated' || !admittedBy(first.pod) || g.story.includes('pre-mutated') || refused(pod)) continue;
      admitted++;
      const own = explain(first.pod, namespace, policy);
      expect(own.drift, `seed ${seed} index ${i}: ${g.story.join(', ')}: ${JSON.stringify(own.drift)}`).to.include({ checked: true, drifted: false });

      // Another policy, renamed to the admitting one's name so only its content differs.
      const other: Policy = { name: policy.name, spec: policies[(g.policy + 1) % policies.length]!.spec };
      const theirs = explain(first.pod, namespace, other);
      const fresh = mutatePod(structuredClone(pod), namespace, other);
      if (theirs.drift.drifted) drifted++;
      // Same status annotation and the same injected pod from both policies: no drift can be reported.
      if (fresh.auditAnnotations.decision === 'mutated' && JSON.stringify(fresh.pod) === JSON.stringify(first.pod)) {
        expect(theirs.drift.drifted, `seed ${seed} index ${i}: identical injection reported as drift`).to.equal(false);
      }
    }
    expect(admitted, 'enough admitted pods to mean something').to.be.greaterThan(N / 10);
    expect(drifted, 'some pods drift under another policy').to.be.greaterThan(0);
  });
});
