// NiFiTrustPolicy status on a real API server, written by `serve --watch-policies` running as its
// ServiceAccount (manifests/base/rbac.yaml: nifitrustpolicies/status, Events in namespace default, the
// Lease): an object the schema lets through but the webhook refuses shows Ready False with the field path
// in `kubectl get` and `kubectl describe` (with an Event), pods keep the last good version meanwhile, and
// the fix turns it True. Two policies claiming one namespace both show Conflict. TrustSecretsFound follows
// the trust Secret of a namespace the policy governs (from the webhook's metadata watch of that name).
import { expect } from 'chai';
import { createNamespace, deleteNamespace, fixture, type Pod } from './support/cluster.js';
import { antiAffinityAgainst, POLICY_ANNOTATION } from './support/expect-mutation.js';
import { kubectl, kubectlOk } from './support/kubectl.js';
import { serviceAccountCan } from './support/service-account.js';
import { ensureWebhook, POLICY_REQUIRED } from './support/suite.js';
import { eventually } from './support/wait.js';

const NS = 'e2e-policy-status';
const NAME = 'e2e-status';
const OTHER = 'e2e-status-other';
const MERGE_ISSUE = 'spec.trustBundle.merge: applies to wiring merge only; set wiring: merge';

function policy(name: string, spec: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: 'nifi-ca-guard.io/v1alpha1', kind: 'NiFiTrustPolicy', metadata: { name }, spec });
}

/** READY and REASON as the CRD's printer columns show them (jsonPaths of the agreed status shape). */
async function readyColumns(name: string): Promise<string> {
  const out = await kubectlOk(['get', 'ntp', name, '--no-headers', '-o',
    'custom-columns=READY:.status.conditions[?(@.type=="Ready")].status,REASON:.status.conditions[?(@.type=="Ready")].reason,OBSERVED:.status.observedGeneration,GEN:.metadata.generation']);
  return out.trim().split(/\s+/).join(' ');
}

async function waitReady(name: string, want: string): Promise<void> {
  await eventually(`kubectl get ntp ${name}: ${want}`, async () => ((await readyColumns(name)) === want ? true : undefined), { timeoutMs: 30_000 });
}

async function preview(ns: string): Promise<Pod> {
  const r = await kubectl(['-n', ns, 'create', '--dry-run=server', '-o', 'json', '-f', fixture('nifi-pod.yaml')]);
  if (r.code !== 0) throw new Error(r.stderr.trim());
  return JSON.parse(r.stdout) as Pod;
}

const TRUST_SECRET = 'nifi-ca-trust';

/** The policy's trust Secret (the built-in name): its existence is all the status looks at. */
async function createTrustSecret(): Promise<void> {
  await kubectlOk(['-n', NS, 'create', 'secret', 'generic', TRUST_SECRET, '--from-literal=ca-bundle.pem=placeholder']);
}

async function trustCondition(name: string): Promise<string> {
  const out = await kubectlOk(['get', 'ntp', name, '-o', 'jsonpath={.status.conditions[?(@.type=="TrustSecretsFound")].status} {.status.conditions[?(@.type=="TrustSecretsFound")].reason}']);
  return out.trim();
}

async function waitMode(ns: string, policyName: string, mode: 'required' | 'preferred'): Promise<void> {
  await eventually(`NiFi pods in ${ns} admitted under ${policyName} (${mode})`, async () => {
    const p = await preview(ns);
    return p.metadata.annotations?.[POLICY_ANNOTATION] === policyName && antiAffinityAgainst(p, 'nifi-ca')[mode].length > 0 ? true : undefined;
  }, { timeoutMs: 30_000 });
}

describe('e2e: NiFiTrustPolicy status and Events', function () {
  this.timeout(180_000);

  before(async () => {
    await createNamespace(NS);
    await createTrustSecret();
    await ensureWebhook(POLICY_REQUIRED, { watchPolicies: true });
  });

  after(async () => {
    await kubectl(['delete', 'nifitrustpolicy', NAME, OTHER, '--ignore-not-found']);
    await ensureWebhook(POLICY_REQUIRED);
    await deleteNamespace(NS);
  });

  it('an object the schema lets through but the webhook refuses: READY False Invalid, the field path and an Event in describe; pods keep the last good version; fixed, True', async () => {
    await kubectlOk(['apply', '-f', '-'], { input: policy(NAME, { namespaces: [NS], placement: { mode: 'preferred' } }) });
    await waitReady(NAME, 'True InForce 1 1');
    await waitMode(NS, NAME, 'preferred');

    // merge settings with env wiring: a cross-field rule the schema cannot state; the API server stores it.
    await kubectlOk(['apply', '-f', '-'], { input: policy(NAME, { namespaces: [NS], placement: { mode: 'required' }, trustBundle: { wiring: 'env', merge: { after: 'cert-request' } } }) });
    await waitReady(NAME, 'False Invalid 2 2');
    const describe = await eventually('kubectl describe ntp to show the Invalid Event', async () => {
      const out = await kubectlOk(['describe', 'ntp', NAME]);
      return /Warning\s+Invalid\s+.*applies to wiring merge only/.test(out) ? out : undefined;
    }, { timeoutMs: 30_000 });
    expect(describe).to.include(MERGE_ISSUE);
    expect(describe).to.include('generation 1 stays in force');
    expect(describe).to.match(/Normal\s+InForce\s+.*generation 1 in force/);
    // Generation 1 still governs: pods get preferred, not the refused edit's required.
    await waitMode(NS, NAME, 'preferred');
    const status = JSON.parse(await kubectlOk(['get', 'ntp', NAME, '-o', 'json'])).status as { inForceGeneration?: number; conditions: Array<Record<string, unknown>> };
    expect(status.inForceGeneration).to.equal(1);
    expect(status.conditions[0]).to.include({ type: 'Ready', status: 'False', reason: 'Invalid', message: `${MERGE_ISSUE}; generation 1 stays in force`, observedGeneration: 2 });

    await kubectlOk(['apply', '-f', '-'], { input: policy(NAME, { namespaces: [NS], placement: { mode: 'required' } }) });
    await waitReady(NAME, 'True InForce 3 3');
    await waitMode(NS, NAME, 'required');
    const events = JSON.parse(await kubectlOk(['-n', 'default', 'get', 'events', '--field-selector', `involvedObject.name=${NAME}`, '-o', 'json'])).items as Array<{ type: string; reason: string; involvedObject: { kind: string } }>;
    expect(events.map((e) => `${e.type} ${e.reason}`).sort()).to.deep.equal(['Normal InForce', 'Normal InForce', 'Warning Invalid']);
    expect(events.every((e) => e.involvedObject.kind === 'NiFiTrustPolicy')).to.equal(true);
  });

  it('two policies claiming one namespace: both READY False Conflict, naming each other; removing one clears it', async () => {
    await kubectlOk(['apply', '-f', '-'], { input: policy(NAME, { namespaces: [NS] }) });
    await kubectlOk(['apply', '-f', '-'], { input: policy(OTHER, { namespaces: ['e2e-policy-*'] }) });
    await waitReady(OTHER, 'False Conflict 1 1');
    await eventually(`${NAME} in Conflict`, async () => ((await readyColumns(NAME)).startsWith('False Conflict') ? true : undefined), { timeoutMs: 30_000 });
    const message = await kubectlOk(['get', 'ntp', NAME, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].message}']);
    expect(message).to.equal(`namespace(s) ${NS} also claimed by policy ${OTHER}`);
    expect(await kubectlOk(['describe', 'ntp', OTHER])).to.match(/Warning\s+Conflict\s+.*also claimed by policy e2e-status/);
    await kubectlOk(['delete', 'ntp', OTHER]);
    await eventually(`${NAME} in force again`, async () => ((await readyColumns(NAME)).startsWith('True InForce') ? true : undefined), { timeoutMs: 30_000 });
  });

  it('TrustSecretsFound follows the trust Secret: True while it exists; deleted, False TrustSecretMissing naming the namespace, with a Warning Event; recreated, True', async () => {
    await kubectlOk(['apply', '-f', '-'], { input: policy(NAME, { namespaces: [NS] }) });
    await eventually(`${NAME} TrustSecretsFound True`, async () => ((await trustCondition(NAME)) === 'True Found' ? true : undefined), { timeoutMs: 30_000 });
    await kubectlOk(['-n', NS, 'delete', 'secret', TRUST_SECRET]);
    await eventually(`${NAME} TrustSecretsFound False`, async () => ((await trustCondition(NAME)) === 'False TrustSecretMissing' ? true : undefined), { timeoutMs: 30_000 });
    const message = await kubectlOk(['get', 'ntp', NAME, '-o', 'jsonpath={.status.conditions[?(@.type=="TrustSecretsFound")].message}']);
    expect(message).to.equal(`Secret ${TRUST_SECRET} missing in namespace(s) ${NS} (NiFi pods there hang in ContainerCreating)`);
    await eventually('a Warning TrustSecretMissing Event in describe', async () => (/Warning\s+TrustSecretMissing\s+/.test(await kubectlOk(['describe', 'ntp', NAME])) ? true : undefined), { timeoutMs: 30_000 });
    // Ready is about the policy itself: a missing Secret does not take it out of force.
    expect(await readyColumns(NAME)).to.match(/^True InForce/);
    await createTrustSecret();
    await eventually(`${NAME} TrustSecretsFound True again`, async () => ((await trustCondition(NAME)) === 'True Found' ? true : undefined), { timeoutMs: 30_000 });
  });

  it('the ServiceAccount may update policy status and create Events in default, and not edit policies or create Events elsewhere', async () => {
    const policies = 'nifitrustpolicies.nifi-ca-guard.io';
    expect(await serviceAccountCan('update', policies, { subresource: 'status' })).to.equal(true);
    expect(await serviceAccountCan('patch', policies, { subresource: 'status' })).to.equal(false);
    expect(await serviceAccountCan('create', 'events', { namespace: 'default' })).to.equal(true);
    expect(await serviceAccountCan('update', policies)).to.equal(false);
    expect(await serviceAccountCan('patch', policies)).to.equal(false);
    expect(await serviceAccountCan('create', 'events', { namespace: NS })).to.equal(false);
    expect(await serviceAccountCan('list', 'events', { namespace: 'default' })).to.equal(false);
    // The Lease of its own namespace, which elects the status writer.
    expect(await serviceAccountCan('update', 'leases.coordination.k8s.io/nifi-ca-guard', { namespace: 'nifi-ca-guard' })).to.equal(true);
  });
});
