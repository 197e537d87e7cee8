import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { repoPath } from '../support/paths.js';

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
    { name: 'a policy with one problem', args: ['-f', pod, '--policy', file('one-problem.yaml', 'apiVersion: nifi-ca-guard.io/v1alpha1\nkind: NiFiTrustPolicy\nspec: {placement: {mode: sometimes}}\n')], error: /^nifi-ca-guard: invalid policy .*one-problem\.yaml: spec\.placement\.mode: must be one of required, preferred, off$/ },
    { name: 'a missing policy file', args: ['-f', pod, '--policy', join(root, 'no-policy.yaml')], error: /^nifi-ca-guard: policy file .*no-policy\.yaml does not exist: pass the path of a NiFiTrustPolicy file \(YAML or JSON; `nifi-ca-guard policy suggest` writes one\)$/ },
    { name: 'a directory as the policy', args: ['-f', pod, '--policy', root], error: /^nifi-ca-guard: policy file .* is a directory: pass the policy file itself \(e\.g\. .*\/policy\.yaml\)$/ },
    { name: 'a ConfigMap without the policy key', args: ['-f', pod, '--policy', file('other-cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {nifi.properties: x}\n')], error: /^nifi-ca-guard: invalid policy .*other-cm\.yaml: \(file\): is ConfigMap settings, not a NiFiTrustPolicy, and its data has no policy\.yaml key \(.*\); it has nifi\.properties: pass the policy file itself$/ },
    { name: 'an empty namespace', args: ['-f', pod, '-n', ''], error: /^nifi-ca-guard: -n: must be a namespace name \(DNS label\), got ""$/ },
    { name: 'a namespace that is no DNS label', args: ['-f', pod, '-n', 'Bad/NS'], error: /^nifi-ca-guard: -n: must be a namespace name \(DNS label\), got "Bad\/NS"$/ },
  ];
  // Wrong types where preview reads structure (issue 10: a List without items crashed with a TypeError).
  const shapes: Array<{ name: string; text: string; error: RegExp }> = [
    { name: 'an empty List (no items)', text: 'apiVersion: v1\nkind: List\n', error: /^nifi-ca-guard: \(stdin\): no Kubernetes objects found$/ },
    { name: 'a List with items: null', text: 'apiVersion: v1\nkind: List\nitems: null\n', error: /^nifi-ca-guard: \(stdin\): no Kubernetes objects found$/ },
    { name: 'a List whose items is a number', text: 'apiVersion: v1\nkind: List\nitems: 5\n', error: /^nifi-ca-guard: \(stdin\): items: must be a list of objects, not number 5$/ },
    { name: 'a List whose items is an object', text: 'kind: List\nitems: {kind: Pod}\n', error: /^nifi-ca-guard: \(stdin\): items: must be a list of objects, not an object$/ },
    { name: 'a PodList item that is null', text: 'kind: PodList\nitems: [{kind: Pod}, null]\n', error: /^nifi-ca-guard: \(stdin\): items\[1\]: must be a Kubernetes object, not null$/ },
    { name: 'a scalar in a nested List', text: 'kind: Pod\n---\nkind: List\nitems: [{kind: List, items: [{kind: Pod}, "x"]}]\n', error: /^nifi-ca-guard: \(stdin\): document 2: items\[0\]\.items\[1\]: must be a Kubernetes object, not string "x"$/ },
    { name: 'a List item without kind', text: 'kind: List\nitems: [{metadata: {name: a}}]\n', error: /^nifi-ca-guard: \(stdin\): items\[0\]: has no kind$/ },
    { name: 'a scalar document', text: '42\n', error: /^nifi-ca-guard: \(stdin\): must be a Kubernetes object, not number 42$/ },
    { name: 'a second document that is a string', text: 'kind: Pod\n---\nhello\n', error: /^nifi-ca-guard: \(stdin\): document 2: must be a Kubernetes object, not string "hello"$/ },
    { name: 'metadata as a list', text: 'kind: Pod\nmetadata: [a]\n', error: /^nifi-ca-guard: \(stdin\): metadata: must be an object, not a list$/ },
    { name: 'a StatefulSet template that is a number', text: 'kind: StatefulSet\nmetadata: {name: web}\nspec: {template: 3}\n', error: /^nifi-ca-guard: \(stdin\): StatefulSet\/web: spec\.template: must be an object$/ },
    { name: 'a Deployment without a template', text: 'kind: Deployment\nmetadata: {name: d}\nspec: {}\n', error: /^nifi-ca-guard: \(stdin\): Deployment\/d: spec\.template: missing \(the pod template is required\)$/ },
    { name: 'a CronJob whose jobTemplate is a string', text: 'kind: CronJob\nmetadata: {name: c}\nspec: {jobTemplate: x}\n', error: /^nifi-ca-guard: \(stdin\): CronJob\/c: spec\.jobTemplate: must be an object$/ },
    { name: 'a template spec that is a list', text: 'kind: DaemonSet\nmetadata: {name: d}\nspec: {template: {spec: []}}\n', error: /^nifi-ca-guard: \(stdin\): DaemonSet\/d: spec\.template\.spec: must be an object$/ },
  ];
  for (const c of shapes) {
    it(`exits 1 naming the document and field for ${c.name} on stdin`, async () => {
      const res = await runCli(['preview', '-f', '-'], { input: c.text });
      expect(res.code, res.stderr).to.equal(1);
      expect(res.stdout).to.equal('');
      expect(res.stderr.trim().split('\n'), res.stderr).to.have.length(1);
      expect(res.stderr.trim()).to.match(c.error);
    });
  }

  // Deeper wrong types are the webhook's business: preview answers as it would (warnings), never a crash.
  const deep = [
    'kind: Pod\nmetadata: {labels: {app: nifi}}\nspec: {containers: 5, volumes: x, initContainers: {}}\n',
    'kind: Pod\nmetadata: {labels: {app: nifi-ca}, annotations: 3}\nspec: {containers: [null, 3, {name: c, command: 5, args: {}}], affinity: 3}\n',
    'kind: Pod\nmetadata: {labels: [app]}\nspec: {containers: [{name: n, env: 5, volumeMounts: x, securityContext: 3}], securityContext: 4}\n',
  ];
  deep.forEach((text, n) => {
    it(`previews malformed pod fields without crashing (${n + 1})`, async () => {
      const res = await runCli(['preview', '-f', '-'], { input: text });
      expect(res.code, res.stderr).to.equal(0);
      expect(res.stderr).to.not.match(/Cannot read|is not a function|TypeError/);
      expect(res.stdout).to.match(/^kind: Pod$/m);
    });
  });

  it('prints a policy with several problems as one problem per line, each with its field path', async () => {
    const bad = file('bad-policy.yaml', 'apiVersion: nifi-ca-guard.io/v1alpha1\nkind: NiFiTrustPolicy\nspec: {placement: {mode: sometimes}, trustBundle: {formt: jks}}\n');
    const res = await runCli(['preview', '-f', pod, '--policy', bad]);
    expect(res.code, res.stderr).to.equal(1);
    expect(res.stdout).to.equal('');
    expect(res.stderr.split('\n')).to.deep.equal([
      `nifi-ca-guard: invalid policy ${bad}: 2 problems:`,
      '  spec.trustBundle.formt: unknown field',
      '  spec.placement.mode: must be one of required, preferred, off',
      '',
    ]);
  });

  it('caps a policy with very many problems at 50 lines and counts the rest', async () => {
    const keys = Array.from({ length: 120 }, (_, i) => `  k${i}: 1`).join('\n');
    const bad = file('many.yaml', `apiVersion: nifi-ca-guard.io/v1alpha1\nkind: NiFiTrustPolicy\nspec:\n${keys}\n`);
    const res = await runCli(['preview', '-f', pod, '--policy', bad]);
    expect(res.code, res.stderr).to.equal(1);
    const lines = res.stderr.trim().split('\n');
    expect(lines[0]).to.equal(`nifi-ca-guard: invalid policy ${bad}: 120 problems:`);
    expect(lines.slice(1, 51).every((l) => /^  spec\.k\d+: unknown field$/.test(l)), lines.join('\n')).to.equal(true);
    expect(lines.slice(51)).to.deep.equal(['  ... and 70 more']);
  });

  it('reads the policy out of the install\'s ConfigMap (policy.yaml key), as kubectl get -o yaml prints it', async () => {
    const policyText = 'apiVersion: nifi-ca-guard.io/v1alpha1\nkind: NiFiTrustPolicy\nmetadata: {name: from-cm}\nspec: {placement: {mode: preferred}}\n';
    const cm = file('cm.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: nifi-ca-guard-policy, namespace: nifi-ca-guard}\ndata:\n  policy.yaml: |\n${policyText.split('\n').map((l) => `    ${l}`).join('\n')}\n`);
    const viaCm = await runCli(['preview', '-f', pod, '--policy', cm]);
    const direct = await runCli(['preview', '-f', pod, '--policy', file('direct.yaml', policyText)]);
    expect(viaCm.code, viaCm.stderr).to.equal(0);
    expect(viaCm.stdout).to.equal(direct.stdout);
    expect(viaCm.stdout).to.include('nifi-ca-guard.io/policy: from-cm');
    expect(viaCm.stdout).to.include('preferredDuringSchedulingIgnoredDuringExecution');
    // Problems inside it name the ConfigMap and key.
    const bad = file('bad-cm.yaml', 'kind: ConfigMap\nmetadata: {name: p}\ndata:\n  policy.yaml: "kind: NiFiTrustPolicy\\napiVersion: nifi-ca-guard.io/v1alpha1\\nspec: {enforcment: audit}"\n');
    const res = await runCli(['preview', '-f', pod, '--policy', bad]);
    expect(res.code).to.equal(1);
    expect(res.stderr.trim()).to.match(/^nifi-ca-guard: invalid policy .*bad-cm\.yaml \(ConfigMap p, key policy\.yaml\): spec\.enforcment: unknown field$/);
  });

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
        const plain = await runCli(['preview', ...c.args, '-o', output]);
        const flagged = await runCli(['preview', ...c.args, '-o', output, '--fail-on-unmatched']);
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
    const res = await runCli(['preview', '--help']);
    expect(res.code).to.equal(0);
    expect(res.stdout).to.include('--fail-on-unmatched');
    for (const code of ['0', '1', '2', '3']) expect(res.stdout).to.match(new RegExp(`^  ${code}  \\S`, 'm'));
  });
});

describe('cli: nifi-ca-guard preview --nodes: placement the cluster cannot satisfy, before installing', () => {
  const release = repoPath('examples', 'cetic-helm-nifi', 'release.yaml');
  const policy = repoPath('examples', 'cetic-helm-nifi', 'policy.yaml');
  const placement = (stderr: string) => stderr.split('\n').filter((l) => l.includes('required anti-affinity:'));

  // The cetic release: StatefulSet nifi with 3 replicas, Deployment nifi-ca with 1, required anti-affinity by host.
  for (const [nodes, expected] of [
    ['3', ['Warning: Deployment/nifi-ca: nifi-ca-guard: required anti-affinity: 3 nodes for 3 NiFi + nifi-ca; a pod may stay Pending; use preferred/add nodes', 'Warning: StatefulSet/nifi: nifi-ca-guard: required anti-affinity: 3 nodes for 3 NiFi + nifi-ca; a pod may stay Pending; use preferred/add nodes']],
    ['1', ['Warning: Deployment/nifi-ca: nifi-ca-guard: required anti-affinity: 1 node for 3 NiFi + nifi-ca; a pod will stay Pending; use preferred/add nodes', 'Warning: StatefulSet/nifi: nifi-ca-guard: required anti-affinity: 1 node for 3 NiFi + nifi-ca; a pod will stay Pending; use preferred/add nodes']],
    ['4', []],
    [undefined, []],
  ] as const) {
    it(`${nodes === undefined ? 'without --nodes: not known, not said' : `--nodes ${nodes}: ${expected.length === 0 ? 'room for all, silent' : 'said on the CA and the NiFi workload'}`}`, async () => {
      const r = await runCli(['preview', '-f', release, '--policy', policy, '-n', 'nifi', '-o', 'patch', ...(nodes ? ['--nodes', nodes] : [])]);
      expect(r.code, r.stderr).to.equal(0);
      expect(placement(r.stderr)).to.deep.equal(expected);
    });
  }

  it('refuses a node count that is not a whole number of 1 or more, in one line', async () => {
    for (const bad of ['0', '-1', '2.5', 'three']) {
      const r = await runCli(['preview', '-f', release, '--nodes', bad]);
      expect(r.code, bad).to.equal(2);
      expect(r.stderr.trim().split('\n'), bad).to.have.length(1);
      expect(r.stderr).to.include('a whole number of nodes, 1 or more');
    }
  });
});

