import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { repoPath } from '../support/paths.js';
import { cli } from '../support/run.js';

// The golden suite covers what preview prints for good input; this is its bad input.
describe('cli: nifi-ca-guard preview, bad input', () => {
  const root = mkdtempSync(join(tmpdir(), 'preview-cli-'));
  const file = (name: string, text: string): string => {
    const path = join(root, name);
    writeFileSync(path, text);
    return path;
  };
  const pod = file('pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: n, labels: {app: nifi}}\nspec: {containers: [{name: nifi, image: x}]}\n');

  const cases = [
    { name: 'a missing file', args: ['-f', join(root, 'nope.yaml')], error: /^nifi-ca-guard: cannot read .*nope\.yaml: ENOENT$/ },
    { name: 'a bad third document', args: ['-f', file('multi.yaml', 'kind: A\n---\nkind: B\n---\nkind: [\n')], error: /^nifi-ca-guard: .*multi\.yaml: document 3 \(line \d+\): not valid YAML or JSON: / },
    { name: 'a top-level list', args: ['-f', file('list.json', '[1, 2]')], error: /^nifi-ca-guard: .*list\.json: must be a Kubernetes object, not a list$/ },
    { name: 'an invalid policy', args: ['-f', pod, '--policy', file('bad-policy.yaml', 'apiVersion: nifi-ca-guard.io/v1alpha1\nkind: NiFiTrustPolicy\nspec: {placement: {mode: sometimes}, trustBundle: {formt: jks}}\n')], error: /^nifi-ca-guard: invalid policy .*: spec\.trustBundle\.formt: unknown field; spec\.placement\.mode: must be one of required, preferred, off$/ },
    { name: 'an empty namespace', args: ['-f', pod, '-n', ''], error: /^nifi-ca-guard: -n: must be a namespace name \(DNS label\), got ""$/ },
    { name: 'a namespace that is no DNS label', args: ['-f', pod, '-n', 'Bad/NS'], error: /^nifi-ca-guard: -n: must be a namespace name \(DNS label\), got "Bad\/NS"$/ },
  ];
  for (const c of cases) {
    it(`exits 1 with one line and no output for ${c.name}`, async () => {
      const res = await runCli(['preview', ...c.args]);
      expect(res.code, res.stderr).to.equal(1);
      expect(res.stdout).to.equal('');
      expect(res.stderr.trim().split('\n'), res.stderr).to.have.length(1);
      expect(res.stderr.trim()).to.match(c.error);
    });
  }
});

// What preview did not do: stderr names it, --fail-on-unmatched turns it into exit 3; stdout never changes.
describe('cli: nifi-ca-guard preview, what it did not match', () => {
  const root = mkdtempSync(join(tmpdir(), 'preview-unmatched-'));
  const cetic = repoPath('examples', 'cetic-helm-nifi', 'release.yaml');
  // The policy a cetic/helm-nifi 0.7.x user writes: its CA pods are app=ca-ca, both roles carry release.
  const ceticPolicy = join(root, 'cetic-policy.yaml');
  writeFileSync(
    ceticPolicy,
    [
      'apiVersion: nifi-ca-guard.io/v1alpha1',
      'kind: NiFiTrustPolicy',
      'metadata: {name: cetic}',
      'spec:',
      '  nifi: {selectors: [{matchLabels: {app: nifi, release: nifi}}]}',
      '  ca: {selectors: [{matchLabels: {app: ca-ca, release: nifi}}]}',
      '',
    ].join('\n'),
  );
  // The incident's manifests (every NiFi and CA workload matched) plus a ZooKeeper nothing should match.
  const withZookeeper = join(root, 'toolkit-client-zookeeper.yaml');
  writeFileSync(
    withZookeeper,
    `${readFileSync(repoPath('examples', 'toolkit-client', 'release.yaml'), 'utf8')}---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: zookeeper, namespace: nifi}
spec:
  serviceName: zookeeper
  selector: {matchLabels: {app: zookeeper}}
  template:
    metadata: {labels: {app: zookeeper}}
    spec:
      containers: [{name: zookeeper, image: docker.io/bitnami/zookeeper:3.6.2}]
`,
  );
  const outside = repoPath('test', 'golden', 'cases', 'namespace-outside-policy');

  const CA_LINE =
    'nifi-ca-guard: Deployment/nifi-ca: no role: pod labels app=ca-ca,release=nifi match no spec.nifi.selectors (app=nifi | app.kubernetes.io/name=nifi) ' +
    'or spec.ca.selectors (app=nifi-ca | app.kubernetes.io/name=nifi-ca); it looks like a nifi-ca (tls-toolkit.sh server)';
  const CROSS = 'Warning: StatefulSet/nifi: nifi-ca-guard: spec.ca.selectors match no CA workload here (Deployment/nifi-ca has app=ca-ca,release=nifi)';

  const cases: Array<{ name: string; args: string[]; code: number; has: Array<string | RegExp>; lacks: RegExp[] }> = [
    {
      name: 'cetic with the default policy',
      args: ['-f', cetic],
      code: 3,
      has: [CA_LINE, CROSS, /^nifi-ca-guard: StatefulSet\/nifi-zookeeper: no role: pod labels app\.kubernetes\.io\/component=zookeeper,.* match no spec\.nifi\.selectors/, 'nifi-ca-guard: --fail-on-unmatched: no role for what looks like NiFi or a nifi-ca: Deployment/nifi-ca'],
      lacks: [/zookeeper.*it looks like/, /nifi-registry.*it looks like/],
    },
    {
      name: 'cetic with a policy for its labels',
      args: ['-f', cetic, '--policy', ceticPolicy],
      code: 0,
      has: [/^nifi-ca-guard: StatefulSet\/nifi-zookeeper: no role: .* match no spec\.nifi\.selectors \(app=nifi,release=nifi\) or spec\.ca\.selectors \(app=ca-ca,release=nifi\)$/, /^Warning: Deployment\/nifi-ca: nifi-ca-guard: added required anti-affinity against NiFi pods/],
      lacks: [/Deployment\/nifi-ca: no role/, /match no CA workload/, /--fail-on-unmatched/],
    },
    {
      name: "cetic with the recipe's policy in its namespace (-n nifi)",
      args: ['-f', cetic, '--policy', repoPath('examples', 'cetic-helm-nifi', 'policy.yaml'), '-n', 'nifi'],
      code: 0,
      has: [/^nifi-ca-guard: StatefulSet\/nifi-zookeeper: no role: /],
      lacks: [/Deployment\/nifi-ca: no role/, /StatefulSet\/nifi: no role/, /outside policy/, /--fail-on-unmatched/],
    },
    {
      name: "cetic with the recipe's policy, forgetting -n",
      args: ['-f', cetic, '--policy', repoPath('examples', 'cetic-helm-nifi', 'policy.yaml')],
      code: 3,
      has: ['nifi-ca-guard: Deployment/nifi-ca: namespace default is outside policy nifi (spec.namespaces: nifi)', 'nifi-ca-guard: StatefulSet/nifi: namespace default is outside policy nifi (spec.namespaces: nifi)', 'nifi-ca-guard: --fail-on-unmatched: no role for what looks like NiFi or a nifi-ca: Deployment/nifi-ca, StatefulSet/nifi'],
      lacks: [/match no CA workload/],
    },
    {
      name: 'a release where only zookeeper is unmatched',
      args: ['-f', withZookeeper],
      code: 0,
      has: [/^nifi-ca-guard: StatefulSet\/zookeeper: no role: pod labels app=zookeeper match no /],
      lacks: [/looks like/, /match no (CA|NiFi) workload/, /--fail-on-unmatched/],
    },
    {
      name: 'a NiFi pod outside the policy namespaces',
      args: ['-f', join(outside, 'input.yaml'), '--policy', join(outside, 'policy.yaml')],
      code: 3,
      has: ['nifi-ca-guard: Pod/nifi-0: namespace staging is outside policy prod-only (spec.namespaces: prod-*, nifi)', 'nifi-ca-guard: --fail-on-unmatched: no role for what looks like NiFi or a nifi-ca: Pod/nifi-0'],
      lacks: [/no role: pod labels/],
    },
  ];
  for (const c of cases) {
    for (const output of ['yaml', 'json', 'patch']) {
      it(`${c.name} (-o ${output}): exit ${c.code} with --fail-on-unmatched, 0 without, stdout byte-identical`, async () => {
        const plain = await cli(['preview', ...c.args, '-o', output]);
        const flagged = await cli(['preview', ...c.args, '-o', output, '--fail-on-unmatched']);
        expect(plain.code, plain.stderr).to.equal(0);
        expect(flagged.code, flagged.stderr).to.equal(c.code);
        expect(flagged.stdout).to.not.equal('');
        expect(flagged.stdout).to.equal(plain.stdout);
        // The flag adds at most its one summary line, last.
        const summary = /^nifi-ca-guard: --fail-on-unmatched: .*\n$/m;
        expect(flagged.stderr.replace(summary, '')).to.equal(plain.stderr);
        const lines = flagged.stderr.split('\n').filter(Boolean);
        for (const h of c.has) {
          if (typeof h === 'string') expect(lines, flagged.stderr).to.include(h);
          else expect(lines.some((l) => h.test(l)), `${String(h)} in\n${flagged.stderr}`).to.equal(true);
        }
        for (const l of c.lacks) expect(lines.some((x) => l.test(x)), `${String(l)} in\n${flagged.stderr}`).to.equal(false);
        if (c.code !== 0) expect(lines.at(-1)).to.match(/^nifi-ca-guard: --fail-on-unmatched: /);
      });
    }
  }

  it('preview --help documents the flag and every exit status', async () => {
    const res = await cli(['preview', '--help']);
    expect(res.code).to.equal(0);
    expect(res.stdout).to.include('--fail-on-unmatched');
    for (const code of ['0', '1', '2', '3']) expect(res.stdout).to.match(new RegExp(`^  ${code}  \\S`, 'm'));
  });
});
