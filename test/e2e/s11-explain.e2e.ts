// `nifi-ca-guard explain --pod` against the real API server, as a user runs it: the suite's admin
// kubeconfig, pods the API server stored after the webhook (watching NiFiTrustPolicy objects) mutated
// them, and the cluster's own defaults on them (ServiceAccount token mounts, defaulted fields) that
// must not read as drift. A mutated pod, an unmatched one, and one mutated before a policy edit.
import { expect } from 'chai';
import { VERSION } from '../../src/version.js';
import { runCli } from '../support/cli.js';
import { createNamespace, deleteNamespace, fixture, type Pod } from './support/cluster.js';
import { e2eEnv } from './support/env.js';
import { POLICY_ANNOTATION } from './support/expect-mutation.js';
import { kubectl, kubectlOk } from './support/kubectl.js';
import { ensureWebhook, POLICY_REQUIRED } from './support/suite.js';
import { eventually } from './support/wait.js';

const NS = 'e2e-explain';
const NAME = 'e2e-explain';

function policy(spec: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: 'nifi-ca-guard.io/v1alpha1', kind: 'NiFiTrustPolicy', metadata: { name: NAME }, spec: { namespaces: [NS], ...spec } });
}

interface Explained {
  version: number;
  notes: string[];
  items: Array<{
    object: string;
    policy: { source: string; name: string | null };
    role: string;
    reason: string;
    decision: string;
    features: Array<{ feature: string; state: string }>;
    warnings: string[];
    facts: { checked: boolean; nodes: number | null; pods: number | null; secrets: Record<string, boolean | null> };
    drift: { checked: boolean; drifted: boolean; differences: string[]; features: Array<{ feature: string; state: string; differences: string[] }>; action: string };
  }>;
}

/** explain --pod on the suite's kubeconfig. The webhook here runs serve's default init image (no --init-image), so explain is told the same. */
async function explain(name: string, output: 'json' | 'text' = 'json') {
  return runCli(['explain', '--pod', `${NS}/${name}`, '--kubeconfig', e2eEnv().kubeconfig, '--init-image', `nifi-ca-guard:${VERSION}`, '-o', output], {
    env: { NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' },
  });
}

async function explained(name: string): Promise<Explained['items'][number]> {
  const r = await explain(name);
  expect(r.code, r.stderr).to.equal(0);
  return (JSON.parse(r.stdout) as Explained).items[0]!;
}

/** Creates a NiFi pod named `name` and returns it once stored, mutated under the policy with this status. */
async function createNifiPod(name: string, status: string): Promise<Pod> {
  const doc = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'nifi' } }, spec: { containers: [{ name: 'nifi', image: 'apache/nifi:1.23.2', env: [{ name: 'AUTH', value: 'tls' }] }] } });
  // The policy may have been edited an instant ago: dry runs until the webhook applies it, then the real create.
  await eventually(`a NiFi pod in ${NS} admitted under ${NAME} with ${status}`, async () => {
    const r = await kubectl(['-n', NS, 'create', '--dry-run=server', '-o', 'json', '-f', '-'], { input: doc });
    if (r.code !== 0) throw new Error(r.stderr.trim());
    const p = JSON.parse(r.stdout) as Pod;
    return p.metadata.annotations?.[POLICY_ANNOTATION] === NAME && p.metadata.annotations?.['nifi-ca-guard.io/status'] === status ? true : undefined;
  }, { timeoutMs: 30_000 });
  return JSON.parse(await kubectlOk(['-n', NS, 'create', '-o', 'json', '-f', '-'], { input: doc })) as Pod;
}

describe('e2e: explain --pod through the kubeconfig', function () {
  this.timeout(120_000);

  before(async () => {
    await createNamespace(NS);
    await ensureWebhook(POLICY_REQUIRED, { watchPolicies: true });
    await kubectlOk(['apply', '-f', '-'], { input: policy({ placement: { mode: 'required' }, trustBundle: { format: 'pkcs12' } }) });
  });

  after(async () => {
    await kubectl(['delete', 'nifitrustpolicy', NAME, '--ignore-not-found']);
    await ensureWebhook(POLICY_REQUIRED);
    await deleteNamespace(NS);
  });

  it('a mutated NiFi pod: its cluster policy and why, role and selector, every feature present, facts read, in step', async () => {
    await createNifiPod('nifi-0', 'anti-affinity=required,trust-bundle=pkcs12');
    const e = await explained('nifi-0');
    expect(e.object).to.equal('Pod/nifi-0');
    expect(e.policy).to.deep.include({ source: 'cluster', name: NAME });
    expect(e.role).to.equal('nifi');
    expect(e.reason).to.equal('labels match spec.nifi.selectors[0] (app=nifi)');
    expect(Object.fromEntries(e.features.map((f) => [f.feature, f.state]))).to.deep.equal({
      'anti-affinity': 'present',
      'trust-bundle': 'present',
      'ca-pinning': 'not-applicable',
      'ca-key': 'not-applicable',
    });
    // The API server's ServiceAccount mounts and defaults on the stored pod are no drift.
    expect(e.drift, JSON.stringify(e.drift)).to.deep.include({ checked: true, drifted: false, action: '' });
    // Metadata only, through the user's credentials: nodes and pods counted, the trust Secret (never created here) missing.
    expect(e.facts.checked).to.equal(true);
    expect(e.facts.nodes).to.be.a('number');
    expect(e.facts.pods).to.equal(0);
    expect(e.facts.secrets).to.deep.equal({ 'nifi-ca-trust': false });

    const text = await explain('nifi-0', 'text');
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout).to.match(/^Pod\/nifi-0 \(namespace e2e-explain\)\n {2}policy: {4}NiFiTrustPolicy e2e-explain\n/);
    expect(text.stdout).to.include('Secret nifi-ca-trust missing');
    expect(text.stdout).to.match(/drift: {5}in step \(admitted under e2e-explain as nifi: anti-affinity=required,trust-bundle=pkcs12\)/);
  });

  it('an unmatched pod: no role, with its labels beside the reason; nothing carried, nothing to inject', async () => {
    await kubectlOk(['-n', NS, 'create', '-f', fixture('other-pod.yaml')]);
    const e = await explained('unrelated');
    expect(e.role).to.equal('none');
    expect(e.decision).to.equal('none');
    expect(e.reason).to.equal('labels match no NiFi or nifi-ca selector (pod labels app=web)');
    expect(e.features).to.deep.equal([]);
    expect(e.warnings).to.deep.equal([]);
    expect(e.drift).to.deep.include({ checked: true, drifted: false });
  });

  it('a pod mutated before a policy edit drifts (truststore format, placement mode); a pod created after is in step', async () => {
    await createNifiPod('nifi-before', 'anti-affinity=required,trust-bundle=pkcs12');
    await kubectlOk(['apply', '-f', '-'], { input: policy({ placement: { mode: 'preferred' }, trustBundle: { format: 'jks', secretName: 'nifi-ca-trust-v2' } }) });
    const after = await createNifiPod('nifi-after', 'anti-affinity=preferred,trust-bundle=jks');
    expect(after.metadata.annotations?.[POLICY_ANNOTATION]).to.equal(NAME);

    const e = await explained('nifi-before');
    expect(e.drift.drifted, JSON.stringify(e.drift)).to.equal(true);
    const byFeature = Object.fromEntries(e.drift.features.map((f) => [f.feature, f]));
    expect(byFeature['anti-affinity']!.differences).to.include('required → preferred');
    expect(byFeature['trust-bundle']!.differences).to.include('pkcs12 → jks');
    expect(byFeature['trust-bundle']!.differences).to.include('volume nifi-ca-guard-bundle: secret.secretName: "nifi-ca-trust" → "nifi-ca-trust-v2"');
    expect(e.drift.action).to.equal(`recreate the pod: kubectl -n ${NS} delete pod nifi-before, then create it again`);
    expect(e.features.find((f) => f.feature === 'trust-bundle')!.state).to.equal('drifted');
    expect(e.facts.secrets).to.deep.equal({ 'nifi-ca-trust-v2': false });

    const now = await explained('nifi-after');
    expect(now.drift, JSON.stringify(now.drift)).to.deep.include({ checked: true, drifted: false });
  });

  it('a pod that does not exist: exit 1 and one line', async () => {
    const r = await explain('nope');
    expect(r.code).to.equal(1);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.equal(`nifi-ca-guard: pod ${NS}/nope not found (check the namespace and name, or the kubeconfig's context)\n`);
  });
});
