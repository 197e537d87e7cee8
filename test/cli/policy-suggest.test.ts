// `policy suggest` through the built CLI: each hand-rendered installation of examples/ gives a policy
// that validates, matches its golden file, and, fed back into `preview`, protects exactly the NiFi
// and nifi-ca workloads (anti-affinity against each other's real labels, trust wiring NiFi reads)
// while leaving every other workload and the chart's own containers alone.
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { INIT_TARGET_DIR, MERGE_CONTAINER, INIT_CONTAINER, ANN_ROLE } from '../../src/mutation/names.js';
import { isJson, podLabels, readPath, type Json } from '../../src/mutation/pod.js';
import { selectorMatches } from '../../src/policy/match.js';
import { validatePolicy } from '../../src/policy/validate.js';
import type { LabelSelector } from '../../src/policy/types.js';
import { findTemplate, podFromTemplate } from '../../src/preview/templates.js';
import { flatten } from '../../src/preview/preview.js';
import { parseObjects } from '../../src/preview/read.js';
import { REPO_ROOT, repoPath } from '../support/paths.js';
import { runCli } from '../support/cli.js';

const UPDATE = process.env.UPDATE_GOLDEN === '1';
const GOLDEN_DIR = repoPath('test', 'golden', 'suggest');

interface Fixture {
  file: string;
  golden: string;
  nifi: string;
  ca: string;
  /** What the NiFi template gets: merge after an enrolment init container, env wiring, or no trust bundle. */
  trust: { merge: { after: string; volume: string } } | 'env' | 'off';
}

const FIXTURES: Fixture[] = [
  { file: 'examples/cetic-helm-nifi/release.yaml', golden: 'cetic-helm-nifi.yaml', nifi: 'StatefulSet/nifi', ca: 'Deployment/nifi-ca', trust: { merge: { after: 'cert-request', volume: 'config-data' } } },
  { file: 'examples/apache-nifi-image/release.yaml', golden: 'apache-nifi-image.yaml', nifi: 'StatefulSet/nifi', ca: 'Deployment/nifi-ca', trust: 'env' },
  { file: 'examples/toolkit-client/release.yaml', golden: 'toolkit-client.yaml', nifi: 'StatefulSet/nifi', ca: 'ReplicaSet/nifi-ca', trust: 'off' },
  { file: 'examples/toolkit-client/release-enrol-init.yaml', golden: 'toolkit-client-enrol-init.yaml', nifi: 'StatefulSet/nifi', ca: 'ReplicaSet/nifi-ca', trust: { merge: { after: 'enrol', volume: 'certs' } } },
];

const refOf = (o: Json): string => `${String(o.kind)}/${String(readPath(o, 'metadata', 'name'))}`;
const templatePod = (o: Json): Json => podFromTemplate(findTemplate(o)!);
const podSpec = (o: Json): Json => readPath(templatePod(o), 'spec') as Json;
const named = (list: unknown): Json[] => (Array.isArray(list) ? list.filter(isJson) : []);

function requiredTerms(o: Json): LabelSelector[] {
  const terms = named(readPath(podSpec(o), 'affinity', 'podAntiAffinity', 'requiredDuringSchedulingIgnoredDuringExecution'));
  return terms.map((t) => t.labelSelector as LabelSelector);
}

describe('cli: policy suggest on the installations in the field', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'suggest-'));

  it('has a golden file for each fixture and no stray ones', () => {
    const stray = existsSync(GOLDEN_DIR) ? readdirSync(GOLDEN_DIR).filter((f) => !FIXTURES.some((fx) => fx.golden === f)) : [];
    expect(stray, 'stray files in test/golden/suggest').to.deep.equal([]);
  });

  for (const fx of FIXTURES) {
    describe(fx.file, () => {
      const policyFile = join(tmp, fx.golden);
      const input = flatten(parseObjects(readFileSync(repoPath(fx.file), 'utf8'), fx.file));
      const byRef = new Map(input.map((o) => [refOf(o), o]));
      let suggested = '';

      before(async () => {
        const r = await runCli(['policy', 'suggest', '-f', fx.file, '-n', 'nifi'], { cwd: REPO_ROOT });
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stderr).to.equal('');
        suggested = r.stdout;
        writeFileSync(policyFile, suggested);
      });

      it('prints a policy that validates', () => {
        const v = validatePolicy(parse(suggested));
        expect(v.ok, JSON.stringify(v)).to.equal(true);
      });

      it(`matches test/golden/suggest/${fx.golden}`, () => {
        const path = join(GOLDEN_DIR, fx.golden);
        if (UPDATE) {
          mkdirSync(GOLDEN_DIR, { recursive: true });
          writeFileSync(path, suggested);
        }
        expect(existsSync(path), `${path} is missing: run UPDATE_GOLDEN=1 make unit`).to.equal(true);
        expect(suggested, `${path} is stale: run UPDATE_GOLDEN=1 make unit and review the diff`).to.equal(readFileSync(path, 'utf8'));
      });

      describe('fed back into preview', () => {
        let out: Json[] = [];
        let previewYaml = '';
        before(async () => {
          const r = await runCli(['preview', '-f', fx.file, '-n', 'nifi', '--policy', policyFile, '-o', 'json'], { cwd: REPO_ROOT });
          expect(r.code, r.stderr).to.equal(0);
          const json = JSON.parse(r.stdout) as Json;
          out = json.kind === 'List' ? named(json.items) : [json];
          const y = await runCli(['preview', '-f', fx.file, '-n', 'nifi', '--policy', policyFile], { cwd: REPO_ROOT });
          expect(y.code, y.stderr).to.equal(0);
          previewYaml = y.stdout;
        });
        const result = (ref: string): Json => out.find((o) => refOf(o) === ref)!;

        it('classifies the NiFi workload as nifi, the CA workload as nifi-ca, and nothing else', () => {
          expect(out.map(refOf)).to.deep.equal(input.map(refOf));
          for (const o of out) {
            const role = findTemplate(o) ? readPath(templatePod(o), 'metadata', 'annotations', ANN_ROLE) : undefined;
            const want = refOf(o) === fx.nifi ? 'nifi' : refOf(o) === fx.ca ? 'nifi-ca' : undefined;
            expect(role, refOf(o)).to.equal(want);
            if (want === undefined) expect(o, `${refOf(o)} is left alone`).to.deep.equal(byRef.get(refOf(o)));
          }
        });

        it("gives each side required anti-affinity selecting the other side's real template labels", () => {
          const nifiLabels = podLabels(templatePod(byRef.get(fx.nifi)!));
          const caLabels = podLabels(templatePod(byRef.get(fx.ca)!));
          const fromNifi = requiredTerms(result(fx.nifi));
          const fromCa = requiredTerms(result(fx.ca));
          expect(fromNifi).to.not.be.empty;
          expect(fromCa).to.not.be.empty;
          for (const s of fromNifi) {
            expect(selectorMatches(s, caLabels), JSON.stringify(s)).to.equal(true);
            expect(selectorMatches(s, nifiLabels), JSON.stringify(s)).to.equal(false);
          }
          for (const s of fromCa) {
            expect(selectorMatches(s, nifiLabels), JSON.stringify(s)).to.equal(true);
            expect(selectorMatches(s, caLabels), JSON.stringify(s)).to.equal(false);
          }
        });

        it('wires the trust bundle as the installation needs, leaving its own containers unchanged', () => {
          const before = podSpec(byRef.get(fx.nifi)!);
          const after = podSpec(result(fx.nifi));
          const inits = named(after.initContainers);
          const ownInits = named(before.initContainers);
          if (typeof fx.trust === 'object') {
            const { after: enrol, volume } = fx.trust.merge;
            expect(after.containers, 'the chart containers').to.deep.equal(before.containers);
            const names = inits.map((c) => c.name);
            expect(names).to.deep.equal([...ownInits.map((c) => c.name)].flatMap((n) => (n === enrol ? [n, MERGE_CONTAINER] : [n])));
            expect(inits.filter((c) => c.name !== MERGE_CONTAINER)).to.deep.equal(ownInits);
            const merge = inits.find((c) => c.name === MERGE_CONTAINER)!;
            expect(merge.volumeMounts).to.deep.include({ name: volume, mountPath: INIT_TARGET_DIR });
          } else if (fx.trust === 'env') {
            expect(inits.map((c) => c.name)).to.deep.equal([INIT_CONTAINER, ...ownInits.map((c) => c.name)]);
            const nifi = named(after.containers).find((c) => c.name === 'nifi')!;
            expect(named(nifi.env).map((e) => e.name)).to.include.members(['TRUSTSTORE_PATH', 'TRUSTSTORE_TYPE', 'TRUSTSTORE_PASSWORD']);
          } else {
            expect(after.containers).to.deep.equal(before.containers);
            expect(after.initContainers).to.deep.equal(before.initContainers);
            expect(after.volumes).to.deep.equal(before.volumes);
          }
        });

        it('previewing the preview output again yields empty patches', async () => {
          const again = join(tmp, `again-${fx.golden}`);
          writeFileSync(again, previewYaml);
          const r = await runCli(['preview', '-f', again, '-n', 'nifi', '--policy', policyFile, '-o', 'patch']);
          expect(r.code, r.stderr).to.equal(0);
          for (const item of JSON.parse(r.stdout) as Array<{ object: string; patch: unknown[] }>) expect(item.patch, item.object).to.deep.equal([]);
        });
      });
    });
  }

  it('reads Helm output on stdin, and -n / --name set namespace and name', async () => {
    const r = await runCli(['policy', 'suggest', '-f', '-', '-n', 'prod', '--name', 'prod-nifi'], {
      input: readFileSync(repoPath('examples/cetic-helm-nifi/release.yaml')),
    });
    expect(r.code, r.stderr).to.equal(0);
    const doc = parse(r.stdout) as Json;
    expect(readPath(doc, 'metadata', 'name')).to.equal('prod-nifi');
    expect(readPath(doc, 'spec', 'namespaces')).to.deep.equal(['prod']);
    expect(r.stdout).to.include('nifi-ca-guard preview -f - -n prod --policy <this file>');
  });
});

describe('cli: policy suggest, bad input', () => {
  const root = mkdtempSync(join(tmpdir(), 'suggest-bad-'));
  const file = (name: string, text: string): string => {
    const path = join(root, name);
    writeFileSync(path, text);
    return path;
  };
  const sts = (name: string, labels: string, container: string) =>
    `apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: ${name}}\nspec:\n  selector: {matchLabels: ${labels}}\n  template:\n    metadata: {labels: ${labels}}\n    spec: {containers: [${container}]}\n`;
  const NIFI = '{name: nifi, image: "apache/nifi:1.28.1"}';
  const CA = '{name: ca, image: "apache/nifi-toolkit:1.28.1", args: [tls-toolkit.sh, server]}';
  const cases = [
    { name: 'no CA workload', args: ['-f', file('nifi.yaml', sts('nifi', '{app: nifi}', NIFI))], error: /^nifi-ca-guard: found no nifi-ca workload: no container runs tls-toolkit\.sh server or the apache\/nifi-toolkit image$/ },
    { name: 'no NiFi workload', args: ['-f', file('ca.yaml', sts('ca', '{app: ca}', CA))], error: /^nifi-ca-guard: found no NiFi workload: no container runs the apache\/nifi image, nifi\.sh or the apache\/nifi start script$/ },
    { name: 'NiFi and CA with the same labels', args: ['-f', file('same.yaml', `${sts('nifi', '{app: x}', NIFI)}---\n${sts('ca', '{app: x}', CA)}`)], error: /^nifi-ca-guard: cannot tell NiFi StatefulSet\/nifi from nifi-ca StatefulSet\/ca by their pod labels/ },
    { name: 'an unreadable file', args: ['-f', join(root, 'nope.yaml')], error: /^nifi-ca-guard: cannot read .*nope\.yaml: ENOENT$/ },
    { name: 'a directory', args: ['-f', root], error: /^nifi-ca-guard: cannot read .*: EISDIR$/ },
    { name: 'invalid YAML', args: ['-f', file('bad.yaml', 'kind: A\n---\nkind: [\n')], error: /^nifi-ca-guard: .*bad\.yaml: document 2 \(line \d+\): not valid YAML or JSON: / },
    { name: 'no objects', args: ['-f', file('empty.yaml', '# nothing\n---\n')], error: /^nifi-ca-guard: .*empty\.yaml: no Kubernetes objects found$/ },
    { name: 'a namespace that is no DNS label', args: ['-f', file('x.yaml', 'kind: A\n'), '-n', 'Bad/NS'], error: /^nifi-ca-guard: -n: must be a namespace name \(DNS label\), got "Bad\/NS"$/ },
    { name: 'a name that is no DNS subdomain', args: ['-f', file('y.yaml', 'kind: A\n'), '--name', 'Not_A_Name'], error: /^nifi-ca-guard: --name: must be a DNS subdomain/ },
  ];
  for (const c of cases) {
    it(`exits 1 with one line and no output for ${c.name}`, async () => {
      const res = await runCli(['policy', 'suggest', ...c.args]);
      expect(res.code, res.stderr).to.equal(1);
      expect(res.stdout).to.equal('');
      expect(res.stderr.trim().split('\n'), res.stderr).to.have.length(1);
      expect(res.stderr.trim()).to.match(c.error);
    });
  }
});
