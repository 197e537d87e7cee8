// `explain` goldens, run through the built CLI: test/golden/explain/<case>/ holds input.yaml, optional
// policy.yaml (--policy) and cluster-policies.yaml (--cluster-policies), and the goldens
// explain.golden.txt and explain.golden.json. Each item's warnings must be exactly what the HTTPS
// webhook answers for the same pod under the same policies (for an admitted pod: the pod stripped of
// what the webhook injected, as explain asks about it). UPDATE_GOLDEN=1 rewrites the goldens.
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { admittedBy, stripOwned } from '../../src/explain/owned.js';
import type { Json } from '../../src/mutation/pod.js';
import { builtinPolicy, loadPolicyFile } from '../../src/policy/load.js';
import type { PolicySet } from '../../src/policy/policy-set.js';
import type { Policy } from '../../src/policy/types.js';
import { validatePolicy } from '../../src/policy/validate.js';
import { flatten } from '../../src/preview/preview.js';
import { parseObjects } from '../../src/preview/read.js';
import { findTemplate, podFromTemplate } from '../../src/preview/templates.js';
import { runCli } from '../support/cli.js';
import { postReview, startTestServer, type TestServer } from '../support/https.js';
import { repoPath } from '../support/paths.js';

const CASES = repoPath('test', 'golden', 'explain');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const FILES = new Set(['input.yaml', 'policy.yaml', 'cluster-policies.yaml', 'explain.golden.txt', 'explain.golden.json']);

/** What each case must show, so a golden rewritten by mistake cannot hide a lost behaviour. */
const EXPECT: Record<string, { decision: string; drifted?: boolean; states?: Record<string, string>; policy?: string }> = {
  'nifi-pod': { decision: 'mutated', states: { 'anti-affinity': 'add', 'trust-bundle': 'add', 'ca-pinning': 'not-applicable' } },
  'nifi-pod-mutated': { decision: 'mutated', drifted: false, states: { 'anti-affinity': 'present', 'trust-bundle': 'present' } },
  'nifi-pod-drifted': { decision: 'mutated', drifted: true, states: { 'anti-affinity': 'drifted', 'trust-bundle': 'drifted' } },
  'ca-pod-unpinned': { decision: 'mutated', states: { 'anti-affinity': 'add', 'ca-pinning': 'not-applicable', 'trust-bundle': 'not-applicable' } },
  'ca-pinned-drifted': { decision: 'mutated', drifted: true, states: { 'anti-affinity': 'drifted', 'ca-pinning': 'drifted' } },
  'unmatched-pod': { decision: 'none', states: {} },
  'opted-out': { decision: 'opt-out', states: { 'anti-affinity': 'add', 'trust-bundle': 'add' } },
  audit: { decision: 'audit', states: { 'anti-affinity': 'add' } },
  conflict: { decision: 'conflict', states: {}, policy: 'conflict' },
};

function golden(dir: string, file: string, actual: string): void {
  const path = join(dir, file);
  if (UPDATE) writeFileSync(path, actual);
  expect(existsSync(path), `${path} is missing: run UPDATE_GOLDEN=1 on this spec`).to.equal(true);
  expect(actual, `${path} is stale: run UPDATE_GOLDEN=1 on this spec and review the diff`).to.equal(readFileSync(path, 'utf8'));
}

function clusterPolicies(file: string): Policy[] {
  return flatten(parseObjects(readFileSync(file, 'utf8'), file)).map((o) => {
    const r = validatePolicy(o);
    if (!r.ok) throw new Error(`${file}: ${r.issues.join('; ')}`);
    return r.policy;
  });
}

interface ExplainJson {
  version: number;
  items: Array<{ object: string; decision: string; warnings: string[]; policy: { source: string }; features: Array<{ feature: string; state: string }>; drift: { checked: boolean; drifted: boolean } }>;
}

describe('explain goldens (CLI) and the webhook\'s warnings', () => {
  let server: TestServer;
  let policies: PolicySet = { fallback: builtinPolicy(), cluster: [] };
  before(async () => {
    server = await startTestServer({ getPolicies: () => policies });
  });
  after(async () => server.close());

  const names = readdirSync(CASES).sort();

  it('every case is listed with what it must show, and holds only known files', () => {
    expect(names).to.deep.equal(Object.keys(EXPECT).sort());
    for (const name of names) for (const file of readdirSync(join(CASES, name))) expect(FILES.has(file), `unexpected ${name}/${file}`).to.equal(true);
  });

  for (const name of names) {
    it(name, async () => {
      const dir = join(CASES, name);
      const policy = join(dir, 'policy.yaml');
      const cluster = join(dir, 'cluster-policies.yaml');
      // Run from the repository root with relative paths: the outputs name the policy file.
      const rel = (file: string) => join('test', 'golden', 'explain', name, file);
      const args = ['explain', '-f', rel('input.yaml'), ...(existsSync(policy) ? ['--policy', rel('policy.yaml')] : []), ...(existsSync(cluster) ? ['--cluster-policies', rel('cluster-policies.yaml')] : [])];
      const text = await runCli(args, { cwd: repoPath() });
      expect(text.code, text.stderr).to.equal(0);
      const json = await runCli([...args, '-o', 'json'], { cwd: repoPath() });
      expect(json.code, json.stderr).to.equal(0);
      golden(dir, 'explain.golden.txt', text.stdout);
      golden(dir, 'explain.golden.json', json.stdout);

      const out = JSON.parse(json.stdout) as ExplainJson;
      expect(out.version).to.equal(1);
      const want = EXPECT[name]!;
      const item = out.items[0]!;
      expect(item.decision).to.equal(want.decision);
      if (want.drifted !== undefined) expect(item.drift).to.include({ checked: true, drifted: want.drifted });
      else expect(item.drift.checked).to.equal(false);
      if (want.policy) expect(item.policy.source).to.equal(want.policy);
      const states = Object.fromEntries(item.features.map((f) => [f.feature, f.state]));
      for (const [feature, state] of Object.entries(want.states ?? {})) expect(states[feature], feature).to.equal(state);
      if (Object.keys(want.states ?? {}).length === 0) expect(item.features).to.deep.equal([]);

      // The same warnings as the webhook, for every pod of the input.
      policies = { fallback: existsSync(policy) ? loadPolicyFile(policy) : builtinPolicy(), cluster: existsSync(cluster) ? clusterPolicies(cluster) : [] };
      const pods = flatten(parseObjects(readFileSync(join(dir, 'input.yaml'), 'utf8'), 'input')).flatMap((o) => {
        const t = findTemplate(o);
        return t ? [podFromTemplate(t)] : [];
      });
      expect(pods.length).to.equal(out.items.length);
      for (const [i, pod] of pods.entries()) {
        const admitted = admittedBy(pod);
        const asked: Json = admitted ? stripOwned(pod, admitted) : pod;
        const namespace = String((pod.metadata as Json).namespace);
        const review = {
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          request: { uid: `explain-${name}-${i}`, kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, operation: 'CREATE', namespace, object: asked },
        };
        const reply = (await postReview(server.port, server.ca, review)).json();
        expect(out.items[i]!.warnings, `${name}: item ${i}`).to.deep.equal(reply.response.warnings ?? []);
      }
    });
  }
});
