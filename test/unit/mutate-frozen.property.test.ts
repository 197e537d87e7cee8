// mutatePod copies only what the planners may write (src/mutation/planned.ts) and shares the rest of
// the pod with its input. Every generated pod of the fuzz goes through every fuzz policy deeply frozen:
// a planner writing anywhere it did not copy throws here (ES modules run in strict mode), and the
// answer equals the one for an unfrozen copy.
import { expect } from 'chai';
import { cloneJson, type Json } from '../../src/json.js';
import { mutatePod } from '../../src/mutation/mutate.js';
import { generateReview } from '../fuzz/generate.js';
import { fuzzPolicies } from '../fuzz/policies.js';
import { Rng, runSeed } from '../fuzz/prng.js';

const N = Number(process.env.FROZEN_FUZZ_N ?? 1500);

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v)) deepFreeze(child);
  }
  return v;
}

describe('mutatePod never writes into its input (property)', () => {
  const seed = runSeed();
  const policies = fuzzPolicies();

  it(`${N} generated pods, each under every fuzz policy, frozen (seed ${seed})`, () => {
    let mutated = 0;
    for (let i = 0; i < N; i++) {
      const g = generateReview(new Rng(seed, i), i, policies);
      if (!g.podCreate) continue;
      const request = g.review.request as Json;
      const namespace = String(request.namespace);
      const frozen = deepFreeze(cloneJson(request.object as Json));
      for (const [name, policy] of Object.entries(policies)) {
        const where = `seed ${seed} index ${i} policy ${name}: ${g.story.join(', ')}`;
        let got: ReturnType<typeof mutatePod>;
        try {
          got = mutatePod(frozen, namespace, policy);
        } catch (err) {
          throw new Error(`${where}: ${err instanceof Error ? err.message : String(err)}`);
        }
        const fresh = mutatePod(cloneJson(request.object as Json), namespace, policy);
        expect(got.patch, where).to.deep.equal(fresh.patch);
        expect(got.warnings, where).to.deep.equal(fresh.warnings);
        if (got.patch.length > 0) mutated++;
      }
    }
    expect(mutated, 'some pods were mutated at all').to.be.greaterThan(N / 10);
  });
});
