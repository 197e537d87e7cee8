// `nifi-ca-guard manifests` through the built binary, as a GitOps pipeline runs it.
import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { selectorMatches } from '../../src/policy/match.js';
import { parsePolicyText } from '../../src/policy/load.js';
import type { LabelSelector } from '../../src/policy/types.js';
import { VERSION } from '../../src/version.js';
import { repoPath } from '../support/paths.js';
import { DEFAULT_POLICY_TEXT } from '../support/policy.js';
import { runCli } from '../support/cli.js';

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [k: string]: unknown;
}

const CETIC = `# cetic/helm-nifi 0.7.x with ca.enabled=true, release "nifi"
apiVersion: nifi-ca-guard.io/v1alpha1
kind: NiFiTrustPolicy
metadata:
  name: cetic
spec:
  nifi:
    selectors:
      - matchLabels: {app: nifi, release: nifi}
  ca:
    selectors:
      - matchLabels: {app: ca-ca, release: nifi}
  trustBundle:
    format: jks
`;

const MIXED = `apiVersion: nifi-ca-guard.io/v1alpha1
kind: NiFiTrustPolicy
metadata:
  name: mixed
spec:
  nifi:
    selectors:
      - matchLabels: {app: nifi}
      - matchLabels: {app.kubernetes.io/name: nifi, app.kubernetes.io/instance: prod}
      - matchExpressions: [{key: nifi.example.com/role, operator: In, values: [node, coordinator]}]
  ca:
    selectors:
      - matchLabels: {app: nifi-ca}
      - matchLabels: {app: nifi}
`;

describe('cli: nifi-ca-guard manifests', () => {
  const root = mkdtempSync(join(tmpdir(), 'manifests-cli-'));
  const file = (name: string, text: string): string => {
    const path = join(root, name);
    writeFileSync(path, text);
    return path;
  };
  const objects = (stdout: string, version?: '1.1'): Obj[] =>
    parseAllDocuments(stdout, version ? { version } : {}).map((d) => {
      expect(d.errors, String(d.errors[0])).to.be.empty;
      return d.toJS() as Obj;
    });

  for (const [name, text, args] of [
    ['the default policy', DEFAULT_POLICY_TEXT, []],
    ['a cetic-like policy, another namespace and image', CETIC, ['-n', 'nifi-system', '--image', 'registry.example.com/nifi-ca-guard:1.0.0']],
    ['a mixed policy', MIXED, ['--namespace', 'platform']],
  ] as const) {
    it(`${name}: exit 0, multi-document YAML, each object with apiVersion, kind and metadata.name`, async () => {
      const r = await runCli(['manifests', '--policy', file(`${name}.yaml`, text), ...args]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.equal('');
      expect(r.stdout).to.match(new RegExp(`^# nifi-ca-guard ${VERSION.replace(/\./g, '\\.')}: `));
      const docs = objects(r.stdout);
      expect(docs).to.have.length(15);
      for (const d of docs) {
        expect(d.apiVersion, JSON.stringify(d).slice(0, 80)).to.be.a('string').and.not.be.empty;
        expect(d.kind).to.be.a('string').and.not.be.empty;
        expect(d.metadata.name, d.kind).to.be.a('string').and.not.be.empty;
      }
      // kubectl and other Go tools read YAML 1.1 (`off` is false there): the output means the same in both.
      expect(objects(r.stdout, '1.1')).to.deep.equal(docs);
    });
  }

  it("the output's namespace and image are the flags'", async () => {
    const r = await runCli(['manifests', '--policy', file('cetic.yaml', CETIC), '-n', 'nifi-system', '--image', 'registry.example.com/nifi-ca-guard:1.0.0']);
    expect(r.code, r.stderr).to.equal(0);
    const docs = objects(r.stdout);
    // Every namespaced object in the flag's namespace, but the Role and RoleBinding for Events about the
    // cluster-scoped policies: the API server takes those Events in `default` only.
    const events = (o: Obj): boolean => o.metadata.name === 'nifi-ca-guard-events';
    expect(docs.filter(events).map((o) => `${o.kind} ${o.metadata.namespace}`).sort()).to.deep.equal(['Role default', 'RoleBinding default']);
    for (const d of docs.filter((o) => o.metadata.namespace !== undefined && !events(o))) expect(d.metadata.namespace, d.kind).to.equal('nifi-system');
    expect(r.stdout).to.not.match(/namespace: nifi-ca-guard\b/);
    expect(r.stdout).to.match(/^# TLS is self-managed: .*\(no manual step\)/m); // no certificate to make by hand
    for (const kind of ['RoleBinding', 'ClusterRoleBinding']) {
      expect((docs.find((d) => d.kind === kind && !events(d)) as any).subjects, kind).to.deep.equal([{ kind: 'ServiceAccount', name: 'nifi-ca-guard', namespace: 'nifi-system' }]);
    }
    const deployment = docs.find((d) => d.kind === 'Deployment') as any;
    expect(deployment.spec.template.spec.containers[0].image).to.equal('registry.example.com/nifi-ca-guard:1.0.0');
    const [container] = deployment.spec.template.spec.containers;
    expect(container.env).to.deep.include({ name: 'NIFI_CA_GUARD_INIT_IMAGE', value: 'registry.example.com/nifi-ca-guard:1.0.0' });
    const cm = docs.find((d) => d.kind === 'ConfigMap') as any;
    // As the installed webhook reads it: with its --init-image from the Deployment's environment.
    const policy = parsePolicyText(cm.data['policy.yaml'], 'configmap', { initImage: 'registry.example.com/nifi-ca-guard:1.0.0' });
    expect(policy.name).to.equal('cetic');
    expect(policy.spec.trustBundle.format).to.equal('jks');
    expect(policy.spec.trustBundle.initContainer.image).to.equal('registry.example.com/nifi-ca-guard:1.0.0');
    expect(policy.spec.caPinning.initContainer.image).to.equal('registry.example.com/nifi-ca-guard:1.0.0');
    expect(cm.data['policy.yaml']).to.include('# cetic/helm-nifi 0.7.x');
  });

  it('takes the install\'s policy ConfigMap as --policy: its policy.yaml goes into the new ConfigMap, not the ConfigMap itself', async () => {
    const first = await runCli(['manifests', '--policy', file('cetic-for-cm.yaml', CETIC)]);
    expect(first.code, first.stderr).to.equal(0);
    const cm = objects(first.stdout).find((d) => d.kind === 'ConfigMap')!;
    const again = await runCli(['manifests', '--policy', file('cm.yaml', JSON.stringify(cm))]);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.equal(first.stdout);
  });

  it('a policy naming another init-container image: replaced, with one note on stderr', async () => {
    const text = CETIC.replace('    format: jks\n', '    format: jks\n    initContainer: {image: "nifi-ca-guard:0.0.1"}\n');
    const r = await runCli(['manifests', '--policy', file('old-image.yaml', text), '--image', 'nifi-ca-guard:9.9.9']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.equal(
      "nifi-ca-guard: note: policy cetic: init-container image pinned to the webhook's image nifi-ca-guard:9.9.9 (was spec.trustBundle.initContainer.image: nifi-ca-guard:0.0.1)\n",
    );
    expect(r.stdout).to.not.include('nifi-ca-guard:0.0.1');
  });

  describe("the webhook configuration's objectSelectors select every pod the policy selects, and no other", () => {
    const labelSets: Array<Record<string, string>> = [
      {},
      { app: 'nifi' },
      { app: 'nifi-ca' },
      { app: 'ca-ca' },
      { app: 'nifi', release: 'nifi' },
      { app: 'nifi', release: 'other' },
      { app: 'ca-ca', release: 'nifi' },
      { app: 'ca-ca', release: 'nifi', 'statefulset.kubernetes.io/pod-name': 'nifi-ca-0' },
      { release: 'nifi' },
      { 'app.kubernetes.io/name': 'nifi' },
      { 'app.kubernetes.io/name': 'nifi-ca' },
      { 'app.kubernetes.io/name': 'nifi', 'app.kubernetes.io/instance': 'prod' },
      { 'app.kubernetes.io/name': 'nifi', 'app.kubernetes.io/instance': 'dev' },
      { 'nifi.example.com/role': 'node' },
      { 'nifi.example.com/role': 'coordinator', app: 'zookeeper' },
      { 'nifi.example.com/role': 'other' },
      { app: 'zookeeper' },
      { app: 'NiFi' },
      { 'app.kubernetes.io/name': 'zookeeper', release: 'nifi' },
    ];
    // The recipes for the installations in the field, too (examples/*/policy.yaml).
    const recipes = existsSync(repoPath('examples'))
      ? readdirSync(repoPath('examples'))
          .filter((d) => existsSync(repoPath('examples', d, 'policy.yaml')))
          .map((d) => [`examples/${d}`, readFileSync(repoPath('examples', d, 'policy.yaml'), 'utf8')] as const)
      : [];
    for (const [name, text] of [['default', DEFAULT_POLICY_TEXT], ['cetic', CETIC], ['mixed', MIXED], ...recipes] as const) {
      it(`${name} policy`, async () => {
        const r = await runCli(['manifests', '--policy', file(`${name.replace(/\//g, '-')}-cover.yaml`, text)]);
        expect(r.code, r.stderr).to.equal(0);
        const mwc = objects(r.stdout).find((d) => d.kind === 'MutatingWebhookConfiguration') as unknown as { webhooks: Array<{ objectSelector: LabelSelector }> };
        const policy = parsePolicyText(text, name);
        // What the policy selects; cluster policies' pods come in when the leader follows them (webhook-plan.ts).
        const policySelectors = [...policy.spec.nifi.selectors, ...policy.spec.ca.selectors];
        const sent = policySelectors;
        let selected = 0;
        for (const labels of labelSets) {
          const want = sent.some((s) => selectorMatches(s, labels));
          const got = mwc.webhooks.some((w) => selectorMatches(w.objectSelector, labels));
          expect(got, `${JSON.stringify(labels)} ${want ? 'must' : 'must not'} reach the webhook`).to.equal(want);
          if (want) selected++;
        }
        expect(selected).to.be.greaterThan(0);
        for (const s of policySelectors) {
          // The policy's own labels (matchLabels, with one value of each In), as a pod would carry them.
          const labels = { ...s.matchLabels, ...Object.fromEntries((s.matchExpressions ?? []).map((e) => [e.key, e.values![0]!])) };
          expect(mwc.webhooks.some((w) => selectorMatches(w.objectSelector, labels)), JSON.stringify(labels)).to.equal(true);
        }
      });
    }
  });

  const errors: Array<{ name: string; args: string[]; line: RegExp }> = [
    {
      name: 'an invalid policy: the field path, as other commands give it',
      args: ['--policy', join(root, 'invalid.yaml')],
      line: /^nifi-ca-guard: invalid policy .*invalid\.yaml: spec\.placement\.mode: must be one of required, preferred, off$/,
    },
    { name: 'a missing policy file', args: ['--policy', join(root, 'nope.yaml')], line: /^nifi-ca-guard: policy file .*nope\.yaml does not exist: pass the path of a NiFiTrustPolicy file / },
    { name: 'a policy file that is not YAML', args: ['--policy', join(root, 'broken.yaml')], line: /^nifi-ca-guard: invalid policy .*broken\.yaml: \(file\):\d+:\d+: not valid YAML: / },
    { name: 'a bad --namespace', args: ['--policy', join(root, 'ok.yaml'), '--namespace', 'Bad_NS'], line: /^nifi-ca-guard: --namespace: must be a namespace name \(DNS label\), got "Bad_NS"$/ },
    { name: 'an empty -n', args: ['--policy', join(root, 'ok.yaml'), '-n', ''], line: /^nifi-ca-guard: --namespace: must be a namespace name \(DNS label\), got ""$/ },
    { name: 'a bad --image', args: ['--policy', join(root, 'ok.yaml'), '--image', 'my image'], line: /^nifi-ca-guard: --image: must be an image reference such as .*, got "my image"$/ },
  ];
  before(() => {
    file('invalid.yaml', 'apiVersion: nifi-ca-guard.io/v1alpha1\nkind: NiFiTrustPolicy\nspec: {placement: {mode: sometimes}}\n');
    file('broken.yaml', 'apiVersion: [\n');
    file('ok.yaml', DEFAULT_POLICY_TEXT);
  });
  for (const c of errors) {
    it(`${c.name}: exit 1, one line, nothing on stdout`, async () => {
      const r = await runCli(['manifests', ...c.args]);
      expect(r.code, r.stderr).to.equal(1);
      expect(r.stdout).to.equal('');
      expect(r.stderr.trim().split('\n'), r.stderr).to.have.length(1);
      expect(r.stderr.trim()).to.match(c.line);
    });
  }

  it('no --policy: a usage error, exit 2, one line', async () => {
    const r = await runCli(['manifests']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal("nifi-ca-guard: required option '--policy <file>' not specified (see --help)\n");
  });

  it('the header comments do not change what is applied', async () => {
    const r = await runCli(['manifests', '--policy', file('header.yaml', DEFAULT_POLICY_TEXT)]);
    const withoutComments = r.stdout.split('\n').filter((l) => !l.startsWith('#')).join('\n');
    expect(objects(withoutComments)).to.deep.equal(objects(r.stdout));
    expect(parse(r.stdout.split('---\n')[0]!)).to.have.property('kind', 'CustomResourceDefinition');
  });
});
