// The Helm chart on the oldest Kubernetes it declares (1.20): the real helm installs it through the
// real API server, which validates every object; helm's discovery picks policy/v1beta1 for the PDB;
// and the API server's RBAC authorizer grants the chart's ServiceAccount exactly what the self-managed
// webhook needs, by name, and nothing else (`kubectl auth can-i --as`, a SubjectAccessReview).
// The release's webhook configuration asks for a namespace label no namespace has, so it never
// intercepts the other scenarios' pods (its Service has no running endpoints: there is no kubelet).
import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { VERSION } from '../../src/version.js';
import { createNamespace, deleteNamespace } from './support/cluster.js';
import { e2eEnv, REPO_ROOT } from './support/env.js';
import { getJson, kubectl } from './support/kubectl.js';
import { eventually } from './support/wait.js';
import { run, type Run } from '../support/run.js';

const HELM = path.join(process.env.NIFI_CA_GUARD_TOOLS_BIN ?? path.join(REPO_ROOT, '.tools', 'bin'), 'helm');
const CHART = path.join(REPO_ROOT, 'charts', 'nifi-ca-guard');
const RELEASE = 'chart-e2e';
const NS = 'chart-e2e';
const FULLNAME = `${RELEASE}-nifi-ca-guard`;
const SA = `system:serviceaccount:${NS}:${FULLNAME}`;
const OPT_IN = { 'e2e.nifi-ca-guard.io/chart-release': 'never-labelled' };

/** helm's home dirs and the values file: one directory, removed after the suite. */
const WORK = mkdtempSync(path.join(tmpdir(), 'helm-e2e-'));

function helm(args: string[]): Promise<Run> {
  const home = path.join(WORK, 'home');
  return run(HELM, [...args, '--kubeconfig', e2eEnv().kubeconfig], {
    HELM_CACHE_HOME: path.join(home, 'cache'), HELM_CONFIG_HOME: path.join(home, 'config'), HELM_DATA_HOME: path.join(home, 'data'),
    NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost',
  }, undefined, 120_000);
}

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [k: string]: unknown;
}

describe('e2e: the Helm chart on Kubernetes 1.20', function () {
  this.timeout(180_000);
  let manifest: Obj[];
  let notes: string;

  before(async () => {
    if (!existsSync(HELM)) throw new Error(`${HELM} is missing: make e2e runs hack/install-helm.sh first`);
    await createNamespace(NS);
    const values = path.join(WORK, 'values.yaml');
    writeFileSync(values, JSON.stringify({ image: { repository: 'registry.invalid/nifi-ca-guard' }, namespaceOptIn: { enabled: true, matchLabels: OPT_IN } }));
    const r = await helm(['install', RELEASE, CHART, '-n', NS, '-f', values]);
    expect(r.code, r.stderr).to.equal(0);
    notes = r.stdout.slice(r.stdout.indexOf('NOTES:'));
    const m = await helm(['get', 'manifest', RELEASE, '-n', NS]);
    expect(m.code, m.stderr).to.equal(0);
    manifest = parseAllDocuments(m.stdout).map((d) => d.toJS() as Obj).filter((o) => o !== null);
  });

  after(async () => {
    await helm(['uninstall', RELEASE, '-n', NS]); // already done by the last test unless it failed earlier
    await deleteNamespace(NS);
    rmSync(WORK, { recursive: true, force: true });
  });

  it('installs (kubeVersion >=1.20 accepted), every object stored, the PDB as policy/v1beta1 (discovered)', async () => {
    expect(manifest.map((o) => o.kind).sort()).to.deep.equal([
      'ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Deployment', 'MutatingWebhookConfiguration', 'NetworkPolicy',
      'PodDisruptionBudget', 'Role', 'Role', 'RoleBinding', 'RoleBinding', 'Service', 'ServiceAccount',
    ]);
    // The second Role and RoleBinding: Events about the cluster-scoped policies, which live in `default`.
    expect(manifest.filter((o) => o.kind === 'Role').map((o) => o.metadata.namespace ?? NS).sort()).to.deep.equal(['default', NS].sort());
    expect(manifest.find((o) => o.kind === 'PodDisruptionBudget')!.apiVersion).to.equal('policy/v1beta1');
    for (const o of manifest) {
      const resource = `${o.kind.toLowerCase()}.${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}`.replace(/\.$/, '');
      const r = await kubectl(['-n', o.metadata.namespace ?? NS, 'get', resource, o.metadata.name, '-o', 'name']);
      expect(r.code, `${o.kind}/${o.metadata.name}: ${r.stderr}`).to.equal(0);
    }
    const d = await getJson<{ spec: { template: { spec: { containers: Array<{ image: string; env: Array<{ name: string; value?: string }> }> } } } }>(['-n', NS, 'deployment', FULLNAME]);
    const c = d.spec.template.spec.containers[0]!;
    expect(c.image).to.equal(`registry.invalid/nifi-ca-guard:${VERSION}`);
    expect(c.env.find((e) => e.name === 'NIFI_CA_GUARD_INIT_IMAGE')?.value).to.equal(c.image);
  });

  it("NOTES name the release's objects, the TLS mode and the opt-in label, and uninstall's first step", () => {
    expect(notes).to.contain(`nifi-ca-guard ${VERSION} is installed in namespace ${NS} as ${FULLNAME}.`);
    expect(notes).to.contain(`Image (webhook and the init containers it injects): registry.invalid/nifi-ca-guard:${VERSION}`);
    expect(notes).to.contain(`TLS: self-managed. The webhook writes its certificate to Secret ${FULLNAME}-tls`);
    expect(notes).to.contain('kubectl label namespace NAMESPACE e2e.nifi-ca-guard.io/chart-release=never-labelled');
    expect(notes).to.contain(`kubectl delete mutatingwebhookconfiguration ${FULLNAME}`);
  });

  it('the stored webhook configuration has no caBundle (the webhook writes it) and only opted-in namespaces', async () => {
    const mwc = await getJson<{ webhooks: Array<{ clientConfig: Record<string, unknown>; namespaceSelector: { matchLabels?: unknown } }> }>(['mutatingwebhookconfiguration', FULLNAME]);
    expect(mwc.webhooks).to.have.length(2);
    for (const w of mwc.webhooks) {
      expect(w.clientConfig).to.not.have.property('caBundle');
      expect(w.clientConfig.service).to.deep.equal({ name: FULLNAME, namespace: NS, path: '/mutate', port: 443 });
      expect(w.namespaceSelector.matchLabels).to.deep.equal(OPT_IN);
    }
  });

  describe("the ServiceAccount may do what self-managed TLS needs, by name, and nothing else", () => {
    const other = 'nifi-ca-guard';
    for (const [allowed, verb, resource, namespace] of [
      [true, 'create', 'secrets', NS],
      [true, 'get', `secrets/${FULLNAME}-tls`, NS],
      [true, 'update', `secrets/${FULLNAME}-tls`, NS],
      [false, 'patch', `secrets/${FULLNAME}-tls`, NS],
      [false, 'get', 'secrets/another-secret', NS],
      [false, 'list', 'secrets', NS],
      [false, 'delete', `secrets/${FULLNAME}-tls`, NS],
      [false, 'get', `secrets/${FULLNAME}-tls`, 'default'],
      [true, 'create', 'leases.coordination.k8s.io', NS],
      [true, 'get', `leases.coordination.k8s.io/${FULLNAME}`, NS],
      [true, 'update', `leases.coordination.k8s.io/${FULLNAME}`, NS],
      [false, 'get', 'leases.coordination.k8s.io/another-lease', NS],
      [false, 'delete', `leases.coordination.k8s.io/${FULLNAME}`, NS],
      [true, 'get', `mutatingwebhookconfigurations.admissionregistration.k8s.io/${FULLNAME}`, ''],
      [true, 'patch', `mutatingwebhookconfigurations.admissionregistration.k8s.io/${FULLNAME}`, ''],
      [false, 'update', `mutatingwebhookconfigurations.admissionregistration.k8s.io/${FULLNAME}`, ''],
      [false, 'patch', `mutatingwebhookconfigurations.admissionregistration.k8s.io/${other}`, ''],
      [false, 'create', 'mutatingwebhookconfigurations.admissionregistration.k8s.io', ''],
      [false, 'list', 'mutatingwebhookconfigurations.admissionregistration.k8s.io', ''],
      [true, 'list', 'nifitrustpolicies.nifi-ca-guard.io', ''],
      [true, 'watch', 'nifitrustpolicies.nifi-ca-guard.io', ''],
      [false, 'create', 'nifitrustpolicies.nifi-ca-guard.io', ''],
      // cluster facts: pod metadata may be listed, never a pod read or changed; Secrets only by the trust name
      [true, 'list', 'pods', NS],
      [false, 'get', 'pods', NS],
      [false, 'delete', 'pods', NS],
      [false, 'list', 'secrets', NS],
      [false, 'get', 'configmaps', NS],
    ] as const) {
      it(`${allowed ? 'may' : 'may not'} ${verb} ${resource}${namespace ? ` in ${namespace}` : ''}`, async () => {
        const r = await kubectl(['auth', 'can-i', verb, resource, '--as', SA, ...(namespace ? ['-n', namespace] : [])]);
        expect(r.stdout.trim(), r.stderr).to.equal(allowed ? 'yes' : 'no');
      });
    }
  });

  // A suite of its own: mocha runs a suite's own tests before its child suites, and this one must run last.
  describe('uninstall', () => {
    it('helm uninstall removes the cluster-scoped objects too', async () => {
      const r = await helm(['uninstall', RELEASE, '-n', NS]);
      expect(r.code, r.stderr).to.equal(0);
      for (const kind of ['mutatingwebhookconfiguration', 'clusterrole', 'clusterrolebinding']) {
        await eventually(`${kind} ${FULLNAME} gone`, async () => ((await kubectl(['get', kind, FULLNAME])).code !== 0 ? true : undefined), { timeoutMs: 30_000 });
      }
      // The CRD stays: helm never deletes CRDs (deleting it would delete every NiFiTrustPolicy).
      expect((await kubectl(['get', 'crd', 'nifitrustpolicies.nifi-ca-guard.io', '-o', 'name'])).code).to.equal(0);
    });
  });
});
