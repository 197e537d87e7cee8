// The manifests themselves: the base renders with kubectl 1.20's kustomize, the e2e overlay differs from
// it only in clientConfig and the namespace labels 1.20 lacks, and the API server stored the
// webhook configuration the design asks for.
import { expect } from 'chai';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from './support/env.js';
import { getJson, kubectl, kubectlOk } from './support/kubectl.js';
import { OVERLAY, WEBHOOK_CONFIG_NAME, WEBHOOK_NAMESPACE } from './support/manifests.js';
import { webhook } from './support/suite.js';
import { serviceDnsNames } from '../../src/tls/names.js';

const BASE = path.join(REPO_ROOT, 'manifests/base');
const CERT_MANAGER = path.join(REPO_ROOT, 'manifests/overlays/cert-manager');

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
  return parseAllDocuments(await kubectlOk(["kustomize", dir])).map((d) => d.toJSON() as Doc | null).filter((d): d is Doc => d !== null);
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

  // cert-manager is not installed here: the overlay is rendered by kubectl 1.20's kustomize and its
  // fields are checked against each other and against the base.
  it('the cert-manager overlay: base + Issuers and Certificates, file mode on the mounted Secret, CA injection, no self-managed TLS RBAC', async () => {
    const base = await render(BASE);
    const cm = await render(CERT_MANAGER);
    const baseKeys = new Set(base.map(key));
    const cmKeys = new Set(cm.map(key));
    expect(cm.filter((d) => !baseKeys.has(key(d))).map(key).sort(), 'added').to.deep.equal([
      'Certificate/nifi-ca-guard/nifi-ca-guard-ca', 'Certificate/nifi-ca-guard/nifi-ca-guard-serving',
      'Issuer/nifi-ca-guard/nifi-ca-guard-ca', 'Issuer/nifi-ca-guard/nifi-ca-guard-selfsigned',
    ]);
    expect(base.filter((d) => !cmKeys.has(key(d))).map(key), 'removed').to.deep.equal([]);
    const get = (kind: string, name: string): any => cm.find((d) => d.kind === kind && d.metadata.name === name);

    // The CA chain: self-signed -> CA Certificate -> CA Issuer (on the CA's Secret) -> serving Certificate.
    const caCert = get('Certificate', 'nifi-ca-guard-ca');
    expect(caCert.spec.isCA).to.equal(true);
    expect(caCert.spec.issuerRef).to.deep.equal({ group: 'cert-manager.io', kind: 'Issuer', name: 'nifi-ca-guard-selfsigned' });
    expect(get('Issuer', 'nifi-ca-guard-selfsigned').spec).to.deep.equal({ selfSigned: {} });
    expect(get('Issuer', 'nifi-ca-guard-ca').spec.ca.secretName).to.equal(caCert.spec.secretName);
    const serving = get('Certificate', 'nifi-ca-guard-serving');
    expect(serving.spec.issuerRef).to.deep.equal({ group: 'cert-manager.io', kind: 'Issuer', name: 'nifi-ca-guard-ca' });
    expect(serving.spec.isCA ?? false).to.equal(false);
    expect(serving.spec.dnsNames, 'the Service DNS names the API server dials').to.deep.equal(serviceDnsNames('nifi-ca-guard', 'nifi-ca-guard'));
    expect(serving.spec.usages).to.include('server auth');
    expect(serving.spec.privateKey).to.include({ algorithm: 'RSA', size: 2048 });

    // The Deployment serves that Certificate's Secret in file mode.
    const container = get('Deployment', 'nifi-ca-guard').spec.template.spec.containers[0];
    const volumes = get('Deployment', 'nifi-ca-guard').spec.template.spec.volumes as Array<{ name: string; secret?: { secretName: string } }>;
    expect(container.args).to.include('--tls-mode=file');
    expect(container.args.some((a: string) => a.startsWith('--tls-secret') || a.startsWith('--lease'))).to.equal(false);
    const mount = (container.volumeMounts as Array<{ name: string; mountPath: string }>).find((m) => m.name === 'tls')!;
    expect(volumes.find((v) => v.name === 'tls')?.secret?.secretName).to.equal(serving.spec.secretName);
    expect(container.args).to.include.members([`--tls-cert=${mount.mountPath}/tls.crt`, `--tls-key=${mount.mountPath}/tls.key`]);
    // Everything else about the container is the base's (policy, watch, probes, env).
    const baseContainer = (base.find((d) => d.kind === 'Deployment') as any).spec.template.spec.containers[0];
    expect(container.args.filter((a: string) => !a.startsWith('--tls'))).to.deep.equal(baseContainer.args.filter((a: string) => !/^--(tls|webhook-configuration|service|lease)/.test(a)));

    // The CA injector names the serving Certificate; every webhook is in that configuration, none sets a caBundle.
    const mwc = get('MutatingWebhookConfiguration', 'nifi-ca-guard');
    expect(mwc.metadata.annotations).to.deep.equal({ 'cert-manager.io/inject-ca-from': `${serving.metadata.namespace}/${serving.metadata.name}` });
    for (const w of mwc.webhooks as Webhook[]) expect(w.clientConfig.caBundle, w.name).to.equal(undefined);

    // RBAC: the NiFiTrustPolicy watch and status, get/patch of its own webhook configuration (its entries
    // follow the policies); the Role keeps the Lease (the one writer's election), no Secrets.
    expect(get('ClusterRole', 'nifi-ca-guard').rules).to.deep.equal([
      { apiGroups: ['nifi-ca-guard.io'], resources: ['nifitrustpolicies'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], resourceNames: ['nifi-ca-guard'], verbs: ['get', 'patch'] },
      { apiGroups: ['nifi-ca-guard.io'], resources: ['nifitrustpolicies/status'], verbs: ['get', 'update'] },
      // cluster facts: metadata of Nodes and pods, and only the trust Secret by name
      { apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['nifi-ca-trust'], verbs: ['list', 'watch'] },
    ]);
    expect(get('Role', 'nifi-ca-guard').rules).to.deep.equal([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['nifi-ca-guard'], verbs: ['get', 'update'] },
    ]);

    // kubectl 1.20 takes every object (client-side dry run); it only lacks the kinds this control plane
    // does not serve: cert-manager's, and policy/v1 (1.21+).
    const r = await kubectl(['apply', '-k', CERT_MANAGER, '--dry-run=client']);
    const lines = `${r.stdout}${r.stderr}`.trim().split('\n');
    const unknown = lines.filter((l) => !/\(dry run\)$/.test(l));
    expect(unknown.map((l) => /no matches for kind "(\w+)" in version "([^"]+)"/.exec(l)?.slice(1).join(' ') ?? l).sort()).to.deep.equal([
      'Certificate cert-manager.io/v1', 'Certificate cert-manager.io/v1', 'Issuer cert-manager.io/v1', 'Issuer cert-manager.io/v1', 'PodDisruptionBudget policy/v1',
    ]);
    expect(lines.filter((l) => /\(dry run\)$/.test(l)), 'everything else accepted').to.have.length(cm.length - 5);
  });

  it('no manifest sets a caBundle (kubectl apply would reset what the webhook or cert-manager set)', async () => {
    for (const dir of [BASE, OVERLAY, CERT_MANAGER]) {
      for (const d of await render(dir)) {
        for (const w of (d.webhooks as Webhook[] | undefined) ?? []) expect(w.clientConfig.caBundle, `${dir}: ${w.name}`).to.equal(undefined);
      }
    }
  });
});
