// Scenario 6: pods in kube-system and in the webhook's own namespace are never sent to it.
import { expect } from 'chai';
import { parse } from 'yaml';
import { createNamespace, deleteNamespace, pod, readFixture } from './support/cluster.js';
import { expectNifiMutated, expectUnmutated } from './support/expect-mutation.js';
import { kubectl } from './support/kubectl.js';
import { WEBHOOK_NAMESPACE } from './support/manifests.js';
import { ensureWebhook, stopWebhook, webhook } from './support/suite.js';
import { eventually } from './support/wait.js';

const CONTROL_NS = 'e2e-scope';
const EXCLUDED = ['kube-system', WEBHOOK_NAMESPACE];

function seenBy(ns: string): number {
  return webhook().admissions().filter((a) => a.namespace === ns).length;
}

/** Waits until more admission lines than `count` show for CONTROL_NS (serve buffers them up to a second). */
async function logged(what: string, count: number): Promise<void> {
  await eventually(what, async () => (seenBy(CONTROL_NS) > count ? true : undefined), { timeoutMs: 10_000, intervalMs: 100 });
}

async function createNifiPod(ns: string, name: string): Promise<{ code: number; stderr: string }> {
  const p = parse(readFixture('nifi-pod.yaml')) as { metadata: { name: string } };
  p.metadata.name = name;
  return kubectl(['-n', ns, 'create', '-f', '-'], { input: JSON.stringify(p) });
}

describe('e2e: namespaces outside the webhook\'s scope', function () {
  this.timeout(120_000);
  const created: Array<[string, string]> = [];

  before(async () => {
    await ensureWebhook();
    await createNamespace(CONTROL_NS);
  });

  after(async () => {
    await ensureWebhook();
    for (const [ns, name] of created) await kubectl(['-n', ns, 'delete', 'pod', name, '--grace-period=0', '--force', '--wait=false']);
    await deleteNamespace(CONTROL_NS);
  });

  it('scenario 6a: a NiFi-labelled pod in kube-system or nifi-ca-guard is stored unmutated and never reaches the webhook', async () => {
    // Control: the same pod elsewhere is sent and mutated, and shows in the webhook's admission log.
    const before = seenBy(CONTROL_NS);
    const c = await createNifiPod(CONTROL_NS, 'nifi-scope-check');
    expect(c.code, c.stderr).to.equal(0);
    created.push([CONTROL_NS, 'nifi-scope-check']);
    expectNifiMutated(await pod(CONTROL_NS, 'nifi-scope-check'));
    await logged('control pod logged by the webhook', before);

    for (const ns of EXCLUDED) {
      const r = await createNifiPod(ns, 'nifi-scope-check');
      expect(r.code, r.stderr).to.equal(0);
      created.push([ns, 'nifi-scope-check']);
      expectUnmutated(await pod(ns, 'nifi-scope-check'));
    }
    // A barrier: lines are written in order, so once a later control pod shows in the log, any line
    // for the pods above would show too.
    const mark = seenBy(CONTROL_NS);
    const b = await createNifiPod(CONTROL_NS, 'nifi-scope-barrier');
    expect(b.code, b.stderr).to.equal(0);
    created.push([CONTROL_NS, 'nifi-scope-barrier']);
    await logged('barrier pod logged by the webhook', mark);
    for (const ns of EXCLUDED) expect(seenBy(ns), `admission requests logged for ${ns}`).to.equal(0);
  });

  it('scenario 6b: with the webhook down, NiFi-labelled pods there are still created', async () => {
    await stopWebhook();
    for (const ns of EXCLUDED) {
      const r = await createNifiPod(ns, 'nifi-scope-check-down');
      expect(r.code, `${ns}: ${r.stderr}`).to.equal(0);
      created.push([ns, 'nifi-scope-check-down']);
      expectUnmutated(await pod(ns, 'nifi-scope-check-down'));
    }
  });
});
