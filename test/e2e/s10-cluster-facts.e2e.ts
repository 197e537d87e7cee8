// Issue 11's warnings that need cluster knowledge, on a real API server: `serve --watch-policies` watches
// Node, NiFi pod and trust Secret metadata (PartialObjectMetadata list+watch) as the ServiceAccount
// nifi-ca-guard with manifests/base's RBAC, and `kubectl create` of a pod prints
// - "trust Secret nifi-ca-trust not in NS ..." while the Secret is missing, and not once it exists;
// - "required anti-affinity: N nodes for M NiFi + nifi-ca; a pod may stay Pending ..." while the nodes
//   are too few (and the nifi-ca pod really stays Pending), and not once a node is added.
// - "CA not pinned: a reschedule mints a new CA key ..." on a nifi-ca pod whose policy does not pin it, and
//   not under a policy that does (this one needs no cluster facts; it is shown here with the others).
// It also settles how Kubernetes 1.20 authorises Secrets by name: list and watch with
// fieldSelector=metadata.name=<name> are allowed by a rule with resourceNames [<name>]; nothing else is.
import { expect } from 'chai';
import { createNamespace, createNodes, deleteAllE2eNodes, deleteNamespace, waitBound, waitEvent } from './support/cluster.js';
import { kubectl, kubectlOk } from './support/kubectl.js';
import { serviceAccountKubeconfig } from './support/service-account.js';
import { ensureWebhook, POLICY_REQUIRED, webhook } from './support/suite.js';
import { eventually } from './support/wait.js';

const NS = 'e2e-facts';
const TRUST = new RegExp(`^Warning: nifi-ca-guard: trust Secret nifi-ca-trust missing in ${NS}: the pod waits in Init; run ca init$`);
const UNPINNED = /^Warning: nifi-ca-guard: CA not pinned: a reschedule mints a new CA key; see ca init and spec\.caPinning \(docs\/ca-pinning\.md\)$/;
const PLACEMENT = /^Warning: nifi-ca-guard: required anti-affinity: (\d+) nodes? for (\d+) NiFi \+ nifi-ca; a pod (may|will) stay Pending; use preferred\/add nodes$/;

/** A NiFi pod that prefers a node of its own, as the charts' StatefulSets do. */
const nifiPod = (name: string): string => JSON.stringify({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'nifi' } },
  spec: {
    affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
      { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'nifi' } } } },
    ] } },
    containers: [{ name: 'nifi', image: 'apache/nifi:1.23.2' }],
  },
});
const caPod = (name: string): string => JSON.stringify({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'nifi-ca' } },
  spec: { containers: [{ name: 'ca', image: 'apache/nifi-toolkit:1.23.2', args: ['tls-toolkit.sh', 'server'] }] },
});

/** `kubectl create` (or a server-side dry run) of a pod: the warnings kubectl prints. */
async function create(pod: string, dryRun = false): Promise<string[]> {
  const r = await kubectl(['-n', NS, 'create', ...(dryRun ? ['--dry-run=server'] : []), '-f', '-'], { input: pod });
  if (r.code !== 0) throw new Error(r.stderr.trim());
  return r.stderr.split('\n').filter((l) => l.startsWith('Warning: '));
}

/** Waits (bounded) until a dry run of `pod` gets warnings that `ok` accepts: the webhook's watches caught up. */
async function until(what: string, pod: string, ok: (warnings: string[]) => boolean): Promise<string[]> {
  return eventually(what, async () => {
    const w = await create(pod, true);
    if (ok(w)) return w;
    throw new Error(`warnings now: ${w.join(' | ') || 'none'}`);
  }, { timeoutMs: 30_000, intervalMs: 300 });
}

const placement = (w: string[]): RegExpExecArray | undefined => w.map((l) => PLACEMENT.exec(l)).find((m) => m !== null) ?? undefined;

/** As the webhook's ServiceAccount: exit code 0, or the first line of the refusal. */
async function asWebhook(args: string[]): Promise<string> {
  const r = await kubectl(args, { kubeconfig: await serviceAccountKubeconfig() });
  return r.code === 0 ? 'allowed' : r.stderr.trim().split('\n')[0]!;
}

describe('e2e: warnings from live cluster facts (metadata watches)', function () {
  this.timeout(180_000);

  before(async () => {
    await deleteAllE2eNodes();
    await createNodes(['facts-a', 'facts-b']);
    await createNamespace(NS);
    await ensureWebhook(POLICY_REQUIRED, { watchPolicies: true });
  });

  after(async () => {
    await kubectl(['delete', 'nifitrustpolicy', 'e2e-facts-pinned', '--ignore-not-found']);
    await ensureWebhook(POLICY_REQUIRED);
    await deleteNamespace(NS);
    await deleteAllE2eNodes();
  });

  it('RBAC on 1.20: the trust Secret may be listed and watched by a metadata.name field selector only; never read, never others', async () => {
    await kubectlOk(['-n', NS, 'create', 'secret', 'generic', 'unrelated', '--from-literal=k=v']);
    const byName = '/api/v1/secrets?fieldSelector=metadata.name%3Dnifi-ca-trust';
    expect(await asWebhook(['get', '--raw', byName])).to.equal('allowed');
    expect(await asWebhook(['get', '--raw', `${byName}&watch=1&timeoutSeconds=1`])).to.equal('allowed');
    expect(await asWebhook(['get', '--raw', `/api/v1/namespaces/${NS}/secrets?fieldSelector=metadata.name%3Dnifi-ca-trust`])).to.equal('allowed');
    for (const refused of [
      '/api/v1/secrets', // every Secret
      '/api/v1/secrets?watch=1&timeoutSeconds=1',
      '/api/v1/secrets?fieldSelector=metadata.name%3Dunrelated',
      `/api/v1/namespaces/${NS}/secrets/nifi-ca-trust`, // get: not granted, list/watch by name suffice
    ]) expect(await asWebhook(['get', '--raw', refused]), refused).to.match(/forbidden/i);
    expect(await asWebhook(['get', '--raw', '/api/v1/nodes'])).to.equal('allowed');
    expect(await asWebhook(['get', '--raw', '/api/v1/pods?labelSelector=app%3Dnifi'])).to.equal('allowed');
    expect(await asWebhook(['get', '--raw', `/api/v1/namespaces/${NS}/pods/x/log`])).to.match(/forbidden/i);
  });

  it('a NiFi pod whose trust Secret is missing is warned; once the Secret exists, it is not', async () => {
    await until('the webhook to know the trust Secret is missing', nifiPod('probe'), (w) => w.some((l) => TRUST.test(l)));
    const first = await create(nifiPod('nifi-0'));
    console.log(`      kubectl create nifi-0: ${first.find((l) => TRUST.test(l))}`);
    expect(first.some((l) => TRUST.test(l)), first.join('\n')).to.equal(true);
    expect(placement(first), '2 nodes hold 1 NiFi pod and nifi-ca').to.equal(undefined);

    await kubectlOk(['-n', NS, 'create', 'secret', 'generic', 'nifi-ca-trust', '--from-literal=ca.crt=not-read-by-this-test']);
    await until('the webhook to see the trust Secret', nifiPod('probe'), (w) => !w.some((l) => TRUST.test(l)));
    const second = await create(nifiPod('nifi-1'));
    expect(second.some((l) => /trust Secret/.test(l)), second.join('\n')).to.equal(false);
    expect(second.some((l) => /added truststore init container/.test(l)), 'still mutated').to.equal(true);
    // The webhook read what RBAC gives it: no refusal in its log, and no Secret content in it.
    const log = JSON.stringify(webhook().records());
    expect(log).to.not.match(/forbidden/i);
    expect(log).to.not.include('not-read-by-this-test');
  });

  it('required anti-affinity with too few nodes: NiFi and nifi-ca pods are warned, nifi-ca stays Pending; a node added, silence', async () => {
    // nifi-0 and nifi-1 exist (previous test) and spread over facts-a and facts-b.
    await waitBound(NS, 'app=nifi', 2);
    const nifiWarn = await until('the webhook to count 2 NiFi pods', nifiPod('probe'), (w) => placement(w)?.[2] === '3');
    expect(placement(nifiWarn)!.slice(1)).to.deep.equal(['2', '3', 'may']);

    const ca = await create(caPod('nifi-ca-0'));
    const m = placement(ca);
    console.log(`      kubectl create nifi-ca-0: ${ca.find((l) => PLACEMENT.test(l))}`);
    expect(m?.slice(1), ca.join('\n')).to.deep.equal(['2', '2', 'may']);
    const ev = await waitEvent(NS, 'nifi-ca-0', 'FailedScheduling', /anti-affinity/);
    console.log(`      nifi-ca-0 FailedScheduling: ${ev.message}`);

    await createNodes(['facts-c']);
    await until('the webhook to count 3 nodes', caPod('probe'), (w) => placement(w) === undefined);
    const bound = await waitBound(NS, 'app=nifi-ca', 1);
    expect(bound[0]!.spec.nodeName, 'nifi-ca goes to the new node').to.equal('facts-c');
    const again = await create(caPod('nifi-ca-1'));
    expect(placement(again), again.join('\n')).to.equal(undefined);
  });

  it('a nifi-ca pod whose policy does not pin the CA is warned "CA not pinned"; under a policy that pins it, not', async () => {
    const unpinned = await create(caPod('ca-unpinned'), true);
    expect(unpinned.filter((l) => UNPINNED.test(l)), unpinned.join('\n')).to.have.length(1);
    await kubectlOk(['apply', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'nifi-ca-guard.io/v1alpha1', kind: 'NiFiTrustPolicy', metadata: { name: 'e2e-facts-pinned' }, spec: { namespaces: [NS], placement: { mode: 'preferred' }, caPinning: { enabled: true } } }),
    });
    // Dry runs until the pod is admitted under the new policy (its annotation says which), then its warnings.
    const pinned = await eventually('the pinning policy in force', async () => {
      const r = await kubectl(['-n', NS, 'create', '--dry-run=server', '-o', 'json', '-f', '-'], { input: caPod('ca-pinned') });
      if (r.code !== 0) throw new Error(r.stderr.trim());
      const annotations = (JSON.parse(r.stdout) as { metadata: { annotations?: Record<string, string> } }).metadata.annotations ?? {};
      return annotations['nifi-ca-guard.io/policy'] === 'e2e-facts-pinned' ? r.stderr.split('\n').filter((l) => l.startsWith('Warning: ')) : undefined;
    }, { timeoutMs: 30_000, intervalMs: 300 });
    console.log(`      pinned nifi-ca: ${pinned.join(' | ') || 'no warnings'}`);
    expect(pinned.some((l) => UNPINNED.test(l)), pinned.join('\n')).to.equal(false);
    await kubectlOk(['delete', 'nifitrustpolicy', 'e2e-facts-pinned']);
  });
});
