// The manifests themselves: the base renders with kubectl 1.20's kustomize, the e2e overlay differs from
// it only in clientConfig and the namespace labels 1.20 lacks, and the API server stored the
// webhook configuration the design asks for.
import { expect } from 'chai';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from './support/env.js';
import { getJson, kubectlOk } from './support/kubectl.js';
import { OVERLAY, WEBHOOK_CONFIG_NAME, WEBHOOK_NAMESPACE } from './support/manifests.js';
import { webhook } from './support/suite.js';

const BASE = path.join(REPO_ROOT, 'manifests/base');

interface Doc {
  kind: string;
  metadata: { name: string; namespace?: string };
  [k: string]: unknown;
}
interface Webhook {
  name: string;
  clientConfig: { url?: string; service?: unknown; caBundle?: string };
  sideEffects: string;
  timeoutSeconds: number;
  reinvocationPolicy: string;
  admissionReviewVersions: string[];
  failurePolicy: string;
  rules: Array<{ operations: string[]; resources: string[]; apiGroups: string[] }>;
  namespaceSelector: { matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> };
  objectSelector: { matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> };
}

async function render(dir: string): Promise<Doc[]> {
  return parseAllDocuments(await kubectlOk(['kustomize', dir])).map((d) => d.toJSON() as Doc);
}

const key = (d: Doc): string => `${d.kind}/${d.metadata.namespace ?? ''}/${d.metadata.name}`;

describe('e2e: manifests', function () {
  this.timeout(60_000);

  it('the e2e overlay differs from the base only in clientConfig and what 1.20 lacks (namespace labels, policy/v1)', async () => {
    const base = await render(BASE);
    const overlay = await render(OVERLAY);
    expect(base.map((d) => d.kind)).to.include.members(
      ['CustomResourceDefinition', 'Namespace', 'ConfigMap', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Deployment', 'Service', 'PodDisruptionBudget', 'MutatingWebhookConfiguration']);
    const baseKeys = new Set(base.map(key));
    const extra = overlay.filter((d) => !baseKeys.has(key(d)));
    expect(extra.map(key).sort(), 'objects only the overlay has').to.deep.equal(['Namespace//kube-node-lease', 'Namespace//kube-system']);
    for (const d of extra) {
      expect(d.metadata, key(d)).to.deep.equal({ name: d.metadata.name, labels: { 'kubernetes.io/metadata.name': d.metadata.name } });
    }
    const pdb = (docs: Doc[]): unknown => docs.find((d) => d.kind === 'PodDisruptionBudget')?.apiVersion;
    expect(pdb(base), 'base PodDisruptionBudget').to.equal('policy/v1');
    expect(pdb(overlay), 'overlay PodDisruptionBudget (1.20 serves policy/v1beta1 only)').to.equal('policy/v1beta1');
    const normalize = (d: Doc): Doc => {
      const c = structuredClone(d);
      for (const w of (c.webhooks as Webhook[] | undefined) ?? []) w.clientConfig = { caBundle: '' };
      if (c.kind === 'PodDisruptionBudget') delete c.apiVersion;
      return c;
    };
    for (const b of base) {
      const o = overlay.find((d) => key(d) === key(b));
      expect(o, `overlay keeps ${key(b)}`).to.not.equal(undefined);
      expect(normalize(o!), key(b)).to.deep.equal(normalize(b));
    }
  });

  it('the stored MutatingWebhookConfiguration: narrow scope, sideEffects None, timeout <= 5 s, IfNeeded, loopback URL', async () => {
    const mwc = await getJson<{ webhooks: Webhook[] }>(['mutatingwebhookconfiguration', WEBHOOK_CONFIG_NAME]);
    expect(mwc.webhooks).to.not.be.empty;
    for (const w of mwc.webhooks) {
      expect(w.sideEffects, w.name).to.equal('None');
      expect(w.timeoutSeconds, w.name).to.be.at.most(5);
      expect(w.reinvocationPolicy, w.name).to.equal('IfNeeded');
      expect(w.admissionReviewVersions, w.name).to.deep.equal(['v1']);
      expect(w.clientConfig.service, w.name).to.equal(undefined);
      expect(w.clientConfig.url, w.name).to.equal(webhook().url);
      expect(w.rules, w.name).to.have.length(1);
      expect(w.rules[0]!.operations, w.name).to.deep.equal(['CREATE']);
      expect(w.rules[0]!.resources, w.name).to.deep.equal(['pods']);
      const ns = w.namespaceSelector.matchExpressions?.find((e) => e.key === 'kubernetes.io/metadata.name');
      expect(ns?.operator, w.name).to.equal('NotIn');
      expect(ns?.values, w.name).to.include.members(['kube-system', 'kube-node-lease', WEBHOOK_NAMESPACE]);
      expect(w.objectSelector.matchExpressions ?? [], `${w.name}: objectSelector`).to.not.be.empty;
    }
  });
});
