// Fuzz in CI: FUZZ_N (default 10,000) generated AdmissionReviews through the real HTTPS endpoint, each
// patch applied by the strict RFC 6902 applier, checked for ownership, and re-reviewed for idempotency.
// FUZZ_SEED replays a run; FUZZ_ONLY=i,j replays single reviews of it.
import { expect } from 'chai';
import https from 'node:https';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Json } from '../../src/json.js';
import { WARNING_LIMIT } from '../../src/mutation/warnings.js';
import { request, startTestServer, type TestServer } from '../support/https.js';
import { PatchError, applyPatchStrict, type PatchOp } from '../support/rfc6902.js';
import { generateReview, type Generated } from './generate.js';
import { foreignChanges, foreignOps } from './owned.js';
import { fuzzPolicies } from './policies.js';
import { Rng, runSeed } from './prng.js';
import { SCRIPTS } from './values.js';

const CONCURRENCY = 8;

interface Counts {
  reviews: number;
  status: Record<string, number>;
  role: Record<string, number>;
  perPolicy: Record<string, number>;
  mutated: number;
  patchOps: number;
  secondPasses: number;
  warnings: number;
  skippedSteps: number;
  unappliable: number;
  foreign: number;
  nonEmptySecond: number;
  serverErrors: number;
  otherFailures: number;
}

interface Failure {
  index: number;
  kind: keyof Counts;
  problem: string;
  story: string[];
  review: unknown;
}

const inc = (m: Record<string, number>, k: string): void => {
  m[k] = (m[k] ?? 0) + 1;
};

function indexes(n: number): number[] {
  const only = process.env.FUZZ_ONLY;
  if (only) return only.split(',').map((s) => Number(s.trim()));
  return Array.from({ length: n }, (_, i) => i);
}

describe('fuzz: generated AdmissionReviews through HTTPS', function () {
  this.timeout(600_000);
  const seed = runSeed();
  const n = Number(process.env.FUZZ_N ?? 10_000);
  const policies = fuzzPolicies();
  let servers: TestServer[] = [];
  let agents: https.Agent[] = [];

  before(async () => {
    servers = await Promise.all(policies.map((p) => startTestServer({ getPolicy: () => p })));
    agents = servers.map((s) => new https.Agent({ keepAlive: true, maxSockets: CONCURRENCY, ca: s.ca }));
  });
  after(async () => {
    for (const a of agents) a.destroy();
    await Promise.all(servers.map((s) => s.close()));
  });

  it(`${indexes(n).length} reviews: 0 unappliable patches, 0 changes outside owned paths, 0 non-empty second passes, 0 5xx`, async () => {
    expect(Number.isInteger(n) && n > 0, `FUZZ_N must be a positive integer, got ${process.env.FUZZ_N}`).to.equal(true);
    console.log(`      fuzz seed ${seed} (replay: FUZZ_SEED=${seed} FUZZ_N=${n}; one review: FUZZ_ONLY=<index>)`);
    const counts: Counts = {
      reviews: 0, status: {}, role: {}, perPolicy: {}, mutated: 0, patchOps: 0, secondPasses: 0, warnings: 0, skippedSteps: 0,
      unappliable: 0, foreign: 0, nonEmptySecond: 0, serverErrors: 0, otherFailures: 0,
    };
    const failures: Failure[] = [];
    const fail = (g: Generated, index: number, kind: keyof Counts, problem: string): void => {
      (counts[kind] as number)++;
      if (failures.length < 50) failures.push({ index, kind, problem, story: g.story, review: g.review });
    };

    const post = (policy: number, body: string) =>
      request(servers[policy]!.port, {
        method: 'POST',
        path: '/mutate',
        ca: servers[policy]!.ca,
        agent: agents[policy]!,
        body,
        headers: { 'Content-Type': 'application/json' },
      });

    const one = async (index: number): Promise<void> => {
      const g = generateReview(new Rng(seed, index), index, policies);
      const body = JSON.stringify(g.review);
      // What the server parsed: the reference every check compares against.
      const sent = JSON.parse(body) as Json;
      counts.reviews++;
      inc(counts.perPolicy, policies[g.policy]!.name);
      const res = await post(g.policy, body);
      inc(counts.status, String(res.status));
      if (res.status >= 500) return fail(g, index, 'serverErrors', `HTTP ${res.status}: ${res.text.slice(0, 200)}`);
      if (g.expect === 'rejected') {
        inc(counts.role, 'rejected');
        const err = res.status >= 400 && res.status < 500 ? res.json().error : undefined;
        if (typeof err?.code !== 'string' || typeof err?.message !== 'string') fail(g, index, 'otherFailures', `bad envelope answered ${res.status} ${res.text.slice(0, 200)}`);
        return;
      }
      if (res.status !== 200) return fail(g, index, 'otherFailures', `HTTP ${res.status}: ${res.text.slice(0, 200)}`);
      const out = res.json();
      const response = out.response ?? {};
      const request = sent.request as Json;
      const problem = answerProblem(sent, out);
      if (problem) return fail(g, index, 'otherFailures', problem);
      counts.warnings += (response.warnings ?? []).length;
      inc(counts.role, g.podCreate ? (response.auditAnnotations?.role ?? 'none') : 'ignored');
      if (!response.patch) return;
      if (!g.podCreate) return fail(g, index, 'otherFailures', 'a patch for something other than a Pod CREATE');

      const ops = JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) as PatchOp[];
      counts.mutated++;
      counts.patchOps += ops.length;
      if (/=skipped/.test(response.auditAnnotations?.features ?? '')) counts.skippedSteps++;
      const before = request.object as Json;
      let patched: Json;
      try {
        patched = applyPatchStrict(before, ops);
      } catch (err) {
        return fail(g, index, 'unappliable', err instanceof PatchError ? err.message : String(err));
      }
      const foreign = [...foreignOps(before, ops), ...foreignChanges(before, patched)];
      if (foreign.length > 0) return fail(g, index, 'foreign', foreign.slice(0, 5).join('; '));

      // What the API server would send on reinvocation: the patched pod, a new uid.
      const again = structuredClone(sent);
      Object.assign(again.request as Json, { uid: `${String(request.uid)}-again`, object: patched });
      counts.secondPasses++;
      const res2 = await post(g.policy, JSON.stringify(again));
      inc(counts.status, String(res2.status));
      if (res2.status >= 500) return fail(g, index, 'serverErrors', `second pass: HTTP ${res2.status}`);
      if (res2.status !== 200) return fail(g, index, 'otherFailures', `second pass: HTTP ${res2.status}: ${res2.text.slice(0, 200)}`);
      const out2 = res2.json();
      if (out2.response?.patch) {
        const ops2 = Buffer.from(out2.response.patch, 'base64').toString('utf8');
        fail(g, index, 'nonEmptySecond', `second pass patched again: ${ops2.slice(0, 300)}`);
      }
    };

    const started = Date.now();
    const queue = indexes(n);
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) await one(i);
      }),
    );
    const seconds = (Date.now() - started) / 1000;

    // The webhook never logs pod content: the scripts of the generated containers must not appear.
    const leaks = servers.flatMap((s) => s.logs.lines).filter((l) => l.includes(SCRIPTS.certRequest.slice(0, 30)) || l.includes('prop_replace'));
    if (leaks.length > 0) counts.otherFailures += leaks.length;

    const fmt = (m: Record<string, number>): string => Object.entries(m).sort().map(([k, v]) => `${k} ${v}`).join(', ');
    console.log(
      [
        `      fuzz: ${counts.reviews} reviews + ${counts.secondPasses} second passes in ${seconds.toFixed(1)} s (${Math.round((counts.reviews + counts.secondPasses) / seconds)} req/s)`,
        `      mutated ${counts.mutated}, patch ops ${counts.patchOps}, with a skipped step ${counts.skippedSteps}, warnings ${counts.warnings}`,
        `      per role: ${fmt(counts.role)}`,
        `      per policy: ${fmt(counts.perPolicy)}`,
        `      HTTP status: ${fmt(counts.status)}`,
        `      unappliable patches ${counts.unappliable}, changes outside owned paths ${counts.foreign}, non-empty second passes ${counts.nonEmptySecond}, 5xx ${counts.serverErrors}, other failures ${counts.otherFailures}, log lines with pod content ${leaks.length}`,
      ].join('\n'),
    );
    if (failures.length > 0) {
      const file = join(tmpdir(), `nifi-ca-guard-fuzz-${seed}.json`);
      writeFileSync(file, JSON.stringify(failures, null, 2));
      for (const f of failures.slice(0, 10)) {
        console.log(`      FAIL #${f.index} ${f.kind}: ${f.problem}\n        ${f.story.join(' | ')}\n        replay: FUZZ_SEED=${seed} FUZZ_ONLY=${f.index}`);
      }
      console.log(`      all failing reviews: ${file}`);
    }
    expect(
      { unappliable: counts.unappliable, foreign: counts.foreign, nonEmptySecond: counts.nonEmptySecond, serverErrors: counts.serverErrors, otherFailures: counts.otherFailures },
      `fuzz seed ${seed}: see the failures above`,
    ).to.deep.equal({ unappliable: 0, foreign: 0, nonEmptySecond: 0, serverErrors: 0, otherFailures: 0 });
  });
});

/** What is wrong with an answer to a valid review, if anything. */
function answerProblem(sent: Json, out: any): string | undefined {
  const request = sent.request as Json;
  const r = out?.response;
  if (out?.kind !== 'AdmissionReview') return `kind ${String(out?.kind)}`;
  if (out.apiVersion !== sent.apiVersion) return `apiVersion ${String(out.apiVersion)} for a ${String(sent.apiVersion)} request`;
  if (r?.uid !== request.uid) return 'response.uid differs from request.uid';
  if (r.allowed !== true) return 'not allowed';
  if ((r.patchType === 'JSONPatch') !== (typeof r.patch === 'string')) return 'patchType without a patch or a patch without patchType';
  for (const w of r.warnings ?? []) {
    if (typeof w !== 'string' || w.length > WARNING_LIMIT || /^warning:/i.test(w)) return `bad warning ${JSON.stringify(w)}`;
  }
  for (const v of Object.values(r.auditAnnotations ?? {})) if (typeof v !== 'string') return 'an audit annotation that is not a string';
  return undefined;
}
