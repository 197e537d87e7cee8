// `kubectl rollout restart` of the webhook while NiFi pods keep being created: every replica is replaced
// (one surge pod at a time, the old one drained after SIGTERM), and with failurePolicy Fail any gap in
// service would fail a pod creation. Runs last: it replaces the webhook's pods.
import { expect } from 'chai';
import { parse } from 'yaml';
import { createNamespace, deleteNamespace, readFixture, type Pod } from '../support/cluster.js';
import { getJson, kubectlOk } from '../support/kubectl.js';
import { rawRequest } from '../support/raw.js';
import { waitRunning, WEBHOOK_NS, WEBHOOK_SELECTOR } from './support/nodes.js';

const NS = 'e2e-rollout';

interface Outcome {
  ok: boolean;
  mutated: boolean;
  error?: string;
}

/** NiFi pods, one every `gapMs`, until `stop` resolves. They select no node, so none ever runs. */
async function podStream(stop: Promise<void>, gapMs: number): Promise<Outcome[]> {
  const template = parse(readFixture('nifi-pod.yaml')) as Pod & { spec: { nodeSelector?: Record<string, string> } };
  template.spec.nodeSelector = { 'e2e.nifi-ca-guard.io/no-such-node': 'true' };
  let done = false;
  void stop.then(() => (done = true));
  const out: Outcome[] = [];
  for (let i = 0; !done; i++) {
    const pod = structuredClone(template);
    pod.metadata.name = `rollout-${i}`;
    try {
      const created = (await rawRequest('POST', `/api/v1/namespaces/${NS}/pods`, pod)) as Pod;
      out.push({ ok: true, mutated: created.metadata.annotations?.['nifi-ca-guard.io/role'] === 'nifi' });
    } catch (err) {
      out.push({ ok: false, mutated: false, error: (err as Error).message });
    }
    await new Promise((r) => setTimeout(r, gapMs));
  }
  return out;
}

describe('nodes: rollout restart of the webhook during NiFi pod creations', () => {
  before(async () => createNamespace(NS));
  after(async () => deleteNamespace(NS));

  it('replaces both replicas with 0 failed admissions', async () => {
    const before = await waitRunning(WEBHOOK_NS, WEBHOOK_SELECTOR, 2);
    let stop!: () => void;
    const stream = podStream(new Promise<void>((r) => (stop = r)), 100);
    await new Promise((r) => setTimeout(r, 2000));
    const started = Date.now();
    await kubectlOk(['-n', WEBHOOK_NS, 'rollout', 'restart', 'deployment/nifi-ca-guard']);
    await kubectlOk(['-n', WEBHOOK_NS, 'rollout', 'status', 'deployment/nifi-ca-guard', '--timeout=240s'], { timeoutMs: 250_000 });
    const rolledMs = Date.now() - started;
    // The old pods' shutdown delay and drain end after the rollout reports done: keep creating through it.
    await new Promise((r) => setTimeout(r, 15_000));
    stop();
    const outcomes = await stream;
    const after = await waitRunning(WEBHOOK_NS, WEBHOOK_SELECTOR, 2);

    const failed = outcomes.filter((o) => !o.ok);
    console.log(`      rollout restart took ${(rolledMs / 1000).toFixed(1)} s; admissions: ${outcomes.length} attempted, `
      + `${outcomes.length - failed.length} admitted, ${failed.length} failed`);
    for (const f of failed.slice(0, 5)) console.log(`        failed: ${f.error}`);
    expect(after.map((p) => p.metadata.uid)).to.not.include.members(before.map((p) => p.metadata.uid));
    expect(outcomes.length).to.be.greaterThan(50);
    expect(failed.length, 'failed admissions').to.equal(0);
    expect(outcomes.every((o) => o.mutated), 'every admitted NiFi pod mutated').to.equal(true);
    const pdb = await getJson<{ status: { currentHealthy: number } }>(['-n', WEBHOOK_NS, 'pdb', 'nifi-ca-guard']);
    expect(pdb.status.currentHealthy).to.equal(2);
  });
});
