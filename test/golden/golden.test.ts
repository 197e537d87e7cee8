// Golden fixtures, run through both real paths: the preview CLI (a child process) and the HTTPS
// webhook, which gets every Pod and every pod a workload template would create. Every case is
// re-run on its own output and must come back unchanged.
// Cases: test/golden/cases/<name>/ (input.yaml, optional policy.yaml) and the recipes,
// examples/<recipe>/ (policy.yaml and each release*.yaml, previewed with -n nifi as the recipes say;
// goldens in examples/<recipe>/golden/<release>/).
// UPDATE_GOLDEN=1 rewrites the goldens; otherwise any difference, a missing golden or a stray
// file fails the suite.
import { expect } from 'chai';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fjp from 'fast-json-patch';
import type { Json } from '../../src/mutation/pod.js';
import { builtinPolicy, loadPolicyFile } from '../../src/policy/load.js';
import type { Policy } from '../../src/policy/types.js';
import { flatten } from '../../src/preview/preview.js';
import { parseObjects } from '../../src/preview/read.js';
import { findTemplate, podFromTemplate } from '../../src/preview/templates.js';
import { postReview, startTestServer, type TestServer } from '../support/https.js';
import { runCli } from '../support/cli.js';
import { repoPath } from '../support/paths.js';

const CASES = repoPath('test', 'golden', 'cases');
const EXAMPLES = repoPath('examples');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const INPUTS = new Set(['input.yaml', 'policy.yaml']);
const GOLDENS = ['output.golden.yaml', 'patch.golden.json', 'warnings.golden.txt'];
/** Warnings only preview gives: it sees the whole release, the webhook one pod. */
const PREVIEW_ONLY = /match no (CA|NiFi) workload here/;

interface Case {
  name: string;
  input: string;
  /** Where the three goldens live. */
  dir: string;
  policy?: string;
  /** Namespace for objects that name none (preview's -n; the webhook gets it as the request's namespace). */
  namespace?: string;
}

function cases(): Case[] {
  const out: Case[] = readdirSync(CASES).sort().map((name) => {
    const dir = join(CASES, name);
    const policy = join(dir, 'policy.yaml');
    return { name, input: join(dir, 'input.yaml'), dir, ...(existsSync(policy) ? { policy } : {}) };
  });
  for (const recipe of readdirSync(EXAMPLES).sort()) {
    const policy = join(EXAMPLES, recipe, 'policy.yaml');
    if (!existsSync(policy)) continue;
    for (const file of readdirSync(join(EXAMPLES, recipe)).filter((f) => /^release.*\.yaml$/.test(f)).sort()) {
      const base = file.replace(/\.yaml$/, '');
      out.push({ name: `examples/${recipe}/${file}`, input: join(EXAMPLES, recipe, file), dir: join(EXAMPLES, recipe, 'golden', base), policy, namespace: 'nifi' });
    }
  }
  return out;
}

interface CliRun {
  stdout: string;
  stderr: string;
}

async function cli(args: string[], input?: string): Promise<CliRun> {
  const r = await runCli(args, { input });
  if (r.code !== 0) throw new Error(`preview exited ${r.code}: ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

function golden(dir: string, file: string, actual: string): void {
  const path = join(dir, file);
  if (UPDATE) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, actual);
  }
  expect(existsSync(path), `${path} is missing: run UPDATE_GOLDEN=1 make unit`).to.equal(true);
  expect(actual, `${path} is stale: run UPDATE_GOLDEN=1 make unit and review the diff`).to.equal(readFileSync(path, 'utf8'));
}

/** Each pod-creating object of the input: its ref as preview names it, and the pod the API server would get. */
function podsOf(c: Case): Array<{ ref: string; pod: Json; namespace: string; prefix: string }> {
  const objects = flatten(parseObjects(readFileSync(c.input, 'utf8'), c.input));
  return objects.flatMap((o) => {
    const t = findTemplate(o);
    if (!t) return [];
    const meta = (o.metadata ?? {}) as Json;
    const name = typeof meta.name === 'string' ? meta.name : `${String(meta.generateName)}*`;
    const namespace = typeof meta.namespace === 'string' ? meta.namespace : (c.namespace ?? 'default');
    return [{ ref: `${String(o.kind)}/${name}`, pod: structuredClone(podFromTemplate(t)), namespace, prefix: t.keys.map((k) => `/${k}`).join('') }];
  });
}

const all = cases();

describe('golden fixtures', () => {
  let server: TestServer;
  let current: Policy = builtinPolicy();
  before(async () => {
    server = await startTestServer({ getPolicy: () => current });
  });
  after(async () => server.close());

  it('has no stray files', () => {
    for (const name of readdirSync(CASES)) {
      for (const file of readdirSync(join(CASES, name))) {
        expect(INPUTS.has(file) || GOLDENS.includes(file), `unexpected ${name}/${file}`).to.equal(true);
      }
    }
    for (const recipe of readdirSync(EXAMPLES)) {
      const goldenDir = join(EXAMPLES, recipe, 'golden');
      if (!existsSync(goldenDir)) continue;
      for (const base of readdirSync(goldenDir)) {
        expect(existsSync(join(EXAMPLES, recipe, `${base}.yaml`)), `examples/${recipe}/golden/${base} has no ${base}.yaml`).to.equal(true);
        for (const file of readdirSync(join(goldenDir, base))) expect(GOLDENS.includes(file), `unexpected examples/${recipe}/golden/${base}/${file}`).to.equal(true);
      }
    }
  });

  for (const c of all) {
    describe(c.name, () => {
      const args = [...(c.policy ? ['--policy', c.policy] : []), ...(c.namespace ? ['-n', c.namespace] : [])];

      it('CLI output and patch match the goldens', async () => {
        const out = await cli(['preview', '-f', c.input, ...args]);
        golden(c.dir, 'output.golden.yaml', out.stdout);
        golden(c.dir, 'warnings.golden.txt', out.stderr);
        golden(c.dir, 'patch.golden.json', (await cli(['preview', '-f', c.input, '-o', 'patch', ...args])).stdout);
        // The API server cuts long warnings and warning() shortens them with "…": a golden must never need it.
        for (const line of out.stderr.split('\n').filter((l) => l.startsWith('Warning: '))) expect(line, 'a warning cut short').to.not.match(/…$/);
      });

      it('CLI re-run on its own output changes nothing', async () => {
        const out = await cli(['preview', '-f', '-', '-o', 'patch', ...args], readFileSync(join(c.dir, 'output.golden.yaml'), 'utf8'));
        const items = JSON.parse(out.stdout) as Array<{ patch: unknown[] }>;
        for (const item of items) expect(item.patch).to.deep.equal([]);
      });

      it('the HTTPS webhook returns the golden patch and warnings for each pod, then nothing on re-run', async () => {
        current = c.policy ? loadPolicyFile(c.policy) : builtinPolicy();
        const expected = JSON.parse(readFileSync(join(c.dir, 'patch.golden.json'), 'utf8')) as Array<{ object: string; patch: fjp.Operation[] }>;
        const lines = readFileSync(join(c.dir, 'warnings.golden.txt'), 'utf8').split('\n');
        for (const [i, { ref, pod, namespace, prefix }] of podsOf(c).entries()) {
          const want = expected.find((e) => e.object === ref)!;
          expect(want, `${ref} in patch.golden.json`).to.not.equal(undefined);
          // Only the Warning: lines are the webhook's; the others are preview's report of what it did not do.
          const warnings = lines.filter((l) => l.startsWith(`Warning: ${ref}: `)).map((l) => l.slice(`Warning: ${ref}: `.length)).filter((w) => !PREVIEW_ONLY.test(w));
          const review = (object: unknown, uid: string) => ({
            apiVersion: 'admission.k8s.io/v1',
            kind: 'AdmissionReview',
            request: { uid, kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, operation: 'CREATE', namespace, object },
          });
          const uid = `golden-${i}-${ref}`;
          const first = (await postReview(server.port, server.ca, review(pod, uid))).json();
          expect(first.response.uid).to.equal(uid);
          const patch = first.response.patch ? (JSON.parse(Buffer.from(first.response.patch, 'base64').toString('utf8')) as fjp.Operation[]) : [];
          expect(patch, ref).to.deep.equal(want.patch.map((op) => ({ ...op, path: op.path.slice(prefix.length) })));
          expect(first.response.warnings ?? [], ref).to.deep.equal(warnings);
          expect(first.response.patchType).to.equal(patch.length > 0 ? 'JSONPatch' : undefined);
          const mutated = fjp.applyPatch(structuredClone(pod), patch, true, false).newDocument;
          const second = (await postReview(server.port, server.ca, review(mutated, `${uid}-again`))).json();
          expect(second.response.patch, `${ref}: second invocation`).to.equal(undefined);
        }
      });
    });
  }
});
