import { expect } from 'chai';
import { parse } from 'yaml';
import { DEFAULT_INSTALL, InstallError, renderInstall, type Install, type PolicySource } from '../../../src/install/render.js';
import type { KubeObject } from '../../../src/install/types.js';
import { DEFAULT_IMAGE } from '../../../src/policy/defaults.js';
import { selectorMatches } from '../../../src/policy/match.js';
import type { LabelSelector } from '../../../src/policy/types.js';
import { parsePolicyText } from '../../../src/policy/load.js';
import { DEFAULT_POLICY_TEXT } from '../../support/policy.js';

const source = (text: string): PolicySource => ({ policy: parsePolicyText(text, 'test'), text });
const find = (install: Install, kind: string): KubeObject => install.objects.find((o) => o.kind === kind)!;
const policyText = (install: Install): string => (find(install, 'ConfigMap').data as Record<string, string>)['policy.yaml']!;
/** The Deployment's NIFI_CA_GUARD_INIT_IMAGE: what the webhook fills into a policy naming no image. */
const initImageOf = (install: Install): string | undefined =>
  ((find(install, 'Deployment').spec as any).template.spec.containers[0].env as Array<{ name: string; value?: string }> | undefined)
    ?.find((e) => e.name === 'NIFI_CA_GUARD_INIT_IMAGE')?.value;
/** The ConfigMap's policy as the installed webhook reads it (with its --init-image). */
const policyIn = (install: Install) => {
  const initImage = initImageOf(install);
  return parsePolicyText(policyText(install), 'configmap', initImage === undefined ? {} : { initImage });
};

/** Every value under a key named `namespace`, anywhere in the objects. */
function namespaceFields(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) namespaceFields(v, found);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'namespace' && typeof v === 'string') found.push(v);
      else namespaceFields(v, found);
    }
  }
  return found;
}

const CLUSTER_SCOPED = ['CustomResourceDefinition', 'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'MutatingWebhookConfiguration'];

describe('install: renderInstall', () => {
  it('renders every object manifests/base installs, in an order kubectl can apply as one file', () => {
    const install = renderInstall(source(DEFAULT_POLICY_TEXT), DEFAULT_INSTALL);
    expect(install.objects.map((o) => o.kind)).to.deep.equal([
      'CustomResourceDefinition', 'Namespace', 'ConfigMap', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Role', 'RoleBinding',
      'Deployment', 'Service', 'PodDisruptionBudget', 'NetworkPolicy', 'MutatingWebhookConfiguration',
    ]);
    for (const o of install.objects) {
      expect(o.apiVersion, o.kind).to.be.a('string').and.not.be.empty;
      expect(o.metadata.name, o.kind).to.be.a('string').and.not.be.empty;
    }
  });

  // The install sends what its own policy selects, nothing more: a cluster policy's pods (the cetic
  // recipe's `app: ca-ca`) come in when the leader follows the policies (src/cluster/webhook-plan.ts).
  for (const c of [
    { name: 'the default policy', text: DEFAULT_POLICY_TEXT },
    { name: 'a policy for other labels', text: 'apiVersion: nifi-ca-guard.io/v1alpha1\nkind: NiFiTrustPolicy\nmetadata: {name: x}\nspec:\n  nifi: {selectors: [{matchLabels: {tier: nifi}}]}\n  ca: {selectors: [{matchLabels: {tier: ca}}]}\n' },
  ]) {
    it(`does not send cetic/helm-nifi's CA pods (app: ca-ca) with ${c.name}`, () => {
      const webhooks = (find(renderInstall(source(c.text), DEFAULT_INSTALL), 'MutatingWebhookConfiguration') as any).webhooks as Array<{ objectSelector: LabelSelector }>;
      expect(webhooks.some((w) => selectorMatches(w.objectSelector, { app: 'ca-ca', release: 'nifi' }))).to.equal(false);
    });
  }

  it('returns fresh objects: changing one render does not change the next', () => {
    const a = renderInstall(source(DEFAULT_POLICY_TEXT), DEFAULT_INSTALL);
    (find(a, 'CustomResourceDefinition').metadata.labels as Record<string, string>).x = 'y';
    find(a, 'Deployment').metadata.name = 'changed';
    const b = renderInstall(source(DEFAULT_POLICY_TEXT), DEFAULT_INSTALL);
    expect(find(b, 'CustomResourceDefinition').metadata.labels).to.deep.equal({ 'app.kubernetes.io/name': 'nifi-ca-guard' });
    expect(find(b, 'Deployment').metadata.name).to.equal('nifi-ca-guard');
  });

  describe('the namespace flows into every namespaced object and every reference to it', () => {
    for (const namespace of ['nifi-ca-guard', 'nifi-system', 'platform', 'kube-system', 'a']) {
      it(namespace, () => {
        const install = renderInstall(source(DEFAULT_POLICY_TEXT), { ...DEFAULT_INSTALL, namespace });
        // Events about the cluster-scoped policies go to namespace default: the Role for them lives there.
        const inDefault = (o: { kind: string; metadata: { name: string } }) => o.kind.startsWith('Role') && o.metadata.name === 'nifi-ca-guard-events';
        for (const o of install.objects) {
          if (CLUSTER_SCOPED.includes(o.kind)) expect(o.metadata.namespace, o.kind).to.equal(undefined);
          else expect(o.metadata.namespace, o.kind).to.equal(inDefault(o) ? 'default' : namespace);
        }
        // Nothing else anywhere (Service reference, RBAC subjects, metadata) names another namespace.
        expect(new Set(namespaceFields(install.objects.filter((o) => !inDefault(o))))).to.deep.equal(new Set([namespace]));
        for (const o of install.objects.filter(inDefault)) expect(namespaceFields(o.kind === 'RoleBinding' ? o.subjects : [])).to.deep.equal(o.kind === 'RoleBinding' ? [namespace] : []);
        expect(find(install, 'Namespace').metadata).to.deep.equal({ name: namespace, labels: { 'kubernetes.io/metadata.name': namespace } });
        const binding = find(install, 'ClusterRoleBinding');
        expect(binding.subjects).to.deep.equal([{ kind: 'ServiceAccount', name: 'nifi-ca-guard', namespace }]);
        for (const w of find(install, 'MutatingWebhookConfiguration').webhooks as Array<Record<string, any>>) {
          expect(w.clientConfig.service, w.name).to.deep.equal({ name: 'nifi-ca-guard', namespace, path: '/mutate', port: 443 });
          // Its own namespace excluded (never its own pods), and kube-system, kube-node-lease; each once.
          const values = w.namespaceSelector.matchExpressions[0].values as string[];
          expect(values).to.include.members(['kube-system', 'kube-node-lease', namespace]);
          expect(new Set(values).size).to.equal(values.length);
        }
      });
    }
  });

  describe('a namespace the API server would refuse is refused', () => {
    for (const namespace of ['', 'Nifi', 'nifi_ca', '-nifi', 'nifi-', 'a.b', 'x'.repeat(64), 'nifi ca']) {
      it(JSON.stringify(namespace), () => {
        let err: unknown;
        try {
          renderInstall(source(DEFAULT_POLICY_TEXT), { ...DEFAULT_INSTALL, namespace });
        } catch (e) {
          err = e;
        }
        expect(err).to.be.instanceOf(InstallError);
        expect((err as InstallError).option).to.equal('namespace');
        expect((err as InstallError).problem).to.equal(`must be a namespace name (DNS label), got ${JSON.stringify(namespace)}`);
      });
    }
  });

  describe('image: the Deployment runs it, and the init containers of the policy as the webhook reads it', () => {
    const doc = (spec: string): string => `apiVersion: nifi-ca-guard.io/v1alpha1\nkind: NiFiTrustPolicy\nmetadata:\n  name: p\n${spec}`;
    const cases: Array<{ name: string; text: string; image: string; notes: RegExp[] }> = [
      { name: 'no image in the policy, the default image', text: DEFAULT_POLICY_TEXT, image: DEFAULT_IMAGE, notes: [] },
      { name: 'no image in the policy, another image', text: DEFAULT_POLICY_TEXT, image: 'registry.example.com/team/nifi-ca-guard:1.2.3', notes: [] },
      { name: 'the policy names the same image', text: doc('spec:\n  trustBundle:\n    initContainer: {image: "reg.io/g:9"}\n'), image: 'reg.io/g:9', notes: [] },
      {
        name: 'the policy names another trust-bundle image (which CA pinning would have inherited)',
        text: doc('spec:\n  trustBundle:\n    initContainer:\n      image: my/guard:0.0.1\n      imagePullPolicy: Always\n'),
        image: 'nifi-ca-guard:0.2.0',
        notes: [/^policy p: init-container image pinned to the webhook's image nifi-ca-guard:0\.2\.0 \(was spec\.trustBundle\.initContainer\.image: my\/guard:0\.0\.1\)$/],
      },
      {
        name: 'the policy names two other images',
        text: doc('spec:\n  trustBundle: {initContainer: {image: "a:1"}}\n  caPinning: {enabled: true, initContainer: {image: "b:2"}}\n'),
        image: 'nifi-ca-guard@sha256:' + 'ab'.repeat(32),
        notes: [/^policy p: .*\(was spec\.trustBundle\.initContainer\.image: a:1, spec\.caPinning\.initContainer\.image: b:2\)$/],
      },
      { name: 'empty spec (`spec:`) and empty sections', text: doc('spec:\n'), image: 'x:1', notes: [] },
      { name: 'empty trustBundle and caPinning (`trustBundle:`)', text: doc('spec:\n  trustBundle:\n  caPinning:\n    initContainer:\n'), image: 'x:1', notes: [] },
      {
        name: 'a JSON policy file',
        text: JSON.stringify({ apiVersion: 'nifi-ca-guard.io/v1alpha1', kind: 'NiFiTrustPolicy', metadata: { name: 'p' }, spec: { caPinning: { initContainer: { image: 'old:1' } } } }),
        image: 'x:1',
        notes: [/\(was spec\.caPinning\.initContainer\.image: old:1\)$/],
      },
      {
        name: 'init containers shared through a YAML alias',
        text: doc('spec:\n  trustBundle:\n    initContainer: &ic\n      image: old:1\n      imagePullPolicy: Always\n  caPinning:\n    initContainer: *ic\n'),
        image: 'x:1',
        notes: [/\(was spec\.trustBundle\.initContainer\.image: old:1, spec\.caPinning\.initContainer\.image: old:1\)$/],
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const input = source(c.text);
        const install = renderInstall(input, { ...DEFAULT_INSTALL, image: c.image });
        const containers = ((find(install, 'Deployment').spec as any).template.spec.containers as Array<{ image: string }>);
        expect(containers.map((ct) => ct.image)).to.deep.equal([c.image]);
        expect(initImageOf(install)).to.equal(c.image);
        const pinned = policyIn(install);
        expect(pinned.spec.trustBundle.initContainer.image).to.equal(c.image);
        expect(pinned.spec.caPinning.initContainer.image).to.equal(c.image);
        // Nothing but the two images changed.
        const expected = structuredClone(input.policy) as any;
        expected.spec.trustBundle.initContainer.image = c.image;
        expected.spec.caPinning.initContainer.image = c.image;
        expect(structuredClone(pinned)).to.deep.equal(expected);
        expect(install.notes).to.have.length(c.notes.length);
        c.notes.forEach((re, i) => {
          expect(install.notes[i]).to.match(re);
          expect(install.notes[i]).to.not.include('\n');
        });
      });
    }

    it('a policy naming no image is written as it is: the image follows the Deployment (kustomize images:)', () => {
      const text = doc('# why these selectors: cetic/helm-nifi 0.7\nspec:\n  nifi:\n    selectors:\n      - matchLabels: {app: nifi, release: nifi}  # the StatefulSet\n  trustBundle:\n    format: jks # toolkit-era NiFi\n');
      expect(policyText(renderInstall(source(text), { ...DEFAULT_INSTALL, image: 'x:1' }))).to.equal(text);
    });

    it("keeps the file's comments; only replaces the image field it names", () => {
      const text = doc('# why these selectors: cetic/helm-nifi 0.7\nspec:\n  nifi:\n    selectors:\n      - matchLabels: {app: nifi, release: nifi}  # the StatefulSet\n  trustBundle:\n    format: jks # toolkit-era NiFi\n    initContainer:\n      image: old:1 # pinned by hand\n');
      const out = policyText(renderInstall(source(text), { ...DEFAULT_INSTALL, image: 'x:1' }));
      for (const comment of ['# why these selectors: cetic/helm-nifi 0.7', '# the StatefulSet', '# toolkit-era NiFi']) expect(out).to.include(comment);
      expect(parse(out)).to.deep.equal({
        apiVersion: 'nifi-ca-guard.io/v1alpha1',
        kind: 'NiFiTrustPolicy',
        metadata: { name: 'p' },
        spec: {
          nifi: { selectors: [{ matchLabels: { app: 'nifi', release: 'nifi' } }] },
          trustBundle: { format: 'jks', initContainer: { image: 'x:1' } },
        },
      });
    });

    describe('an image that is no image reference is refused', () => {
      for (const image of ['', ' ', 'nifi ca guard', 'Nifi-CA-Guard:1', 'nifi-ca-guard:', 'nifi-ca-guard:-x', 'nifi-ca-guard@sha256:xyz', 'a//b', 'x'.repeat(4097)]) {
        it(JSON.stringify(image.length > 20 ? `${image.slice(0, 20)}...` : image), () => {
          let err: unknown;
          try {
            renderInstall(source(DEFAULT_POLICY_TEXT), { ...DEFAULT_INSTALL, image });
          } catch (e) {
            err = e;
          }
          expect(err).to.be.instanceOf(InstallError);
          expect((err as InstallError).option).to.equal('image');
          expect((err as InstallError).problem).to.match(/^must be an image reference such as registry\.example\.com\/nifi-ca-guard:1\.2\.3, got /);
        });
      }
    });

    it('accepts the image references people use', () => {
      for (const image of ['nifi-ca-guard', 'nifi-ca-guard:0.1.0', 'localhost:5000/nifi-ca-guard:dev', 'ghcr.io/org/sub/nifi-ca-guard:v1.2.3-rc.1', `docker.io/library/nifi-ca-guard:1@sha256:${'0f'.repeat(32)}`]) {
        expect(() => renderInstall(source(DEFAULT_POLICY_TEXT), { ...DEFAULT_INSTALL, image }), image).to.not.throw();
      }
    });
  });

  it('the webhook configuration covers the policy (nifi and CA selectors alike)', () => {
    const cetic = `apiVersion: nifi-ca-guard.io/v1alpha1
kind: NiFiTrustPolicy
metadata: {name: cetic}
spec:
  nifi: {selectors: [{matchLabels: {app: nifi, release: nifi}}]}
  ca: {selectors: [{matchLabels: {app: ca-ca, release: nifi}}]}
`;
    const webhooks = find(renderInstall(source(cetic), DEFAULT_INSTALL), 'MutatingWebhookConfiguration').webhooks as Array<{ name: string; objectSelector: unknown }>;
    expect(webhooks.map((w) => [w.name, w.objectSelector])).to.deep.equal([
      ['pods-app-nifi-release-nifi.nifi-ca-guard.io', { matchLabels: { app: 'nifi', release: 'nifi' } }],
      ['pods-app-ca-ca-release-nifi.nifi-ca-guard.io', { matchLabels: { app: 'ca-ca', release: 'nifi' } }],
    ]);
  });
});
