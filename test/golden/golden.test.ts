// Golden fixtures, run through both real paths: the preview CLI (a child process) and the HTTPS
// webhook. Every Pod case is re-run on its own output and must come back unchanged.
// UPDATE_GOLDEN=1 rewrites the goldens; otherwise any difference, a missing golden or a stray
// file fails the suite.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fjp from 'fast-json-patch';
import { parseAllDocuments } from 'yaml';
import { builtinPolicy, loadPolicyFile } from '../../src/policy/load.js';
import type { Policy } from '../../src/policy/types.js';
import { postReview, startTestServer, type TestServer } from '../support/https.js';
import { MAIN_JS, repoPath } from '../support/paths.js';

const CASES = repoPath('test', 'golden', 'cases');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const INPUTS = new Set(['input.yaml', 'policy.yaml']);
const GOLDENS = ['output.golden.yaml', 'patch.golden.json', 'warnings.golden.txt'];

interface CliRun {
  stdout: string;
  stderr: string;
}

function cli(args: string[], input?: string): CliRun {
  const r = spawnSync(process.execPath, [MAIN_JS, ...args], { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`preview exited ${r.status}: ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

function golden(dir: string, file: string, actual: string): void {
  const path = join(dir, file);
  if (UPDATE) writeFileSync(path, actual);
  expect(existsSync(path), `${path} is missing: run UPDATE_GOLDEN=1 make unit`).to.equal(true);
  expect(actual, `${path} is stale: run UPDATE_GOLDEN=1 make unit and review the diff`).to.equal(readFileSync(path, 'utf8'));
}

const names = readdirSync(CASES).sort();

describe('golden fixtures', () => {
  let server: TestServer;
  let current: Policy = builtinPolicy();
  before(async () => {
    server = await startTestServer({ getPolicy: () => current });
  });
  after(async () => server.close());

  it('has no stray files', () => {
    for (const name of names) {
      for (const file of readdirSync(join(CASES, name))) {
        expect(INPUTS.has(file) || GOLDENS.includes(file), `unexpected ${name}/${file}`).to.equal(true);
      }
    }
  });

  for (const name of names) {
    describe(name, () => {
      const dir = join(CASES, name);
      const policyFile = join(dir, 'policy.yaml');
      const policyArgs = existsSync(policyFile) ? ['--policy', policyFile] : [];
      const input = join(dir, 'input.yaml');
      const docs = parseAllDocuments(readFileSync(input, 'utf8')).map((d) => d.toJS() as Record<string, unknown> | null).filter((d) => d !== null);
      const singlePod = docs.length === 1 && docs[0]!.kind === 'Pod' ? docs[0]! : undefined;

      it('CLI output and patch match the goldens', () => {
        const out = cli(['preview', '-f', input, ...policyArgs]);
        golden(dir, 'output.golden.yaml', out.stdout);
        golden(dir, 'warnings.golden.txt', out.stderr);
        golden(dir, 'patch.golden.json', cli(['preview', '-f', input, '-o', 'patch', ...policyArgs]).stdout);
      });

      it('CLI re-run on its own output changes nothing', () => {
        const out = cli(['preview', '-f', '-', '-o', 'patch', ...policyArgs], readFileSync(join(dir, 'output.golden.yaml'), 'utf8'));
        const items = JSON.parse(out.stdout) as Array<{ patch: unknown[] }>;
        for (const item of items) expect(item.patch).to.deep.equal([]);
      });

      if (singlePod) {
        it('the HTTPS webhook returns the golden patch and warnings, then nothing on re-run', async () => {
          current = policyArgs.length > 0 ? loadPolicyFile(policyFile) : builtinPolicy();
          const meta = singlePod.metadata as { namespace?: string };
          const expected = JSON.parse(readFileSync(join(dir, 'patch.golden.json'), 'utf8')) as Array<{ patch: fjp.Operation[] }>;
          // Only the Warning: lines are the webhook's; the others are preview's own report of what it did not do.
          const warnings = readFileSync(join(dir, 'warnings.golden.txt'), 'utf8').split('\n').filter((l) => l.startsWith('Warning: ')).map((l) => l.replace(/^Warning: [^:]+: /, ''));
          const review = (object: unknown, uid: string) => ({
            apiVersion: 'admission.k8s.io/v1',
            kind: 'AdmissionReview',
            request: { uid, kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, operation: 'CREATE', namespace: meta.namespace, object },
          });
          const first = (await postReview(server.port, server.ca, review(singlePod, `golden-${name}`))).json();
          expect(first.response.uid).to.equal(`golden-${name}`);
          const patch = first.response.patch ? (JSON.parse(Buffer.from(first.response.patch, 'base64').toString('utf8')) as fjp.Operation[]) : [];
          expect(patch).to.deep.equal(expected[0]!.patch);
          expect(first.response.warnings ?? []).to.deep.equal(warnings);
          expect(first.response.patchType).to.equal(patch.length > 0 ? 'JSONPatch' : undefined);
          const mutated = fjp.applyPatch(structuredClone(singlePod), patch, true, false).newDocument;
          const second = (await postReview(server.port, server.ca, review(mutated, `golden-${name}-again`))).json();
          expect(second.response.patch, 'second invocation').to.equal(undefined);
        });
      }
    });
  }
});
