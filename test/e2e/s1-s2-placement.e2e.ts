// Scenarios 1 and 2: placement on 4 schedulable nodes, then the incident (node losses in turn).
import { expect } from 'chai';
import {
  createNamespace, createNodes, deleteAllE2eNodes, deleteNamespace, fixture, loseNode, waitEvent,
} from './support/cluster.js';
import { antiAffinityAgainst, expectCaMutated, expectNifiMutated, INIT_CONTAINER, STATUS_ANNOTATION } from './support/expect-mutation.js';
import { kubectlOk } from './support/kubectl.js';
import { describeSnapshot, expectApart, nodeOf, snapshot, waitApart, type Snapshot } from './support/placement.js';
import { ensureWebhook } from './support/suite.js';

const NS = 'e2e-placement';
const NODES = ['node-a', 'node-b', 'node-c', 'node-d'];

describe('e2e: NiFi and nifi-ca placement on a real scheduler', function () {
  this.timeout(180_000);
  let initial: Snapshot;

  before(async () => {
    await ensureWebhook();
    await deleteAllE2eNodes();
    await createNodes(NODES);
    await createNamespace(NS);
  });

  after(async () => {
    await deleteNamespace(NS);
  });

  it('scenario 1: every stored pod is mutated and nifi-ca is bound to the one node without a NiFi pod', async () => {
    await kubectlOk(['-n', NS, 'apply', '-f', fixture('nifi-statefulset.yaml'), '-f', fixture('nifi-ca-deployment.yaml')]);
    initial = await waitApart(NS, '3 NiFi pods and 1 nifi-ca pod bound', (s) =>
      s.nifi.length === 3 && s.ca.length === 1 && [...s.nifi, ...s.ca].every((p) => p.spec.nodeName));
    console.log(`      placement: ${describeSnapshot(initial)}`);

    for (const p of initial.nifi) {
      expectNifiMutated(p);
      // The user's own term (NiFi pods prefer distinct nodes) survives the mutation.
      expect(antiAffinityAgainst(p, 'nifi').preferred, `${p.metadata.name}: user's own term kept`).to.have.length(1);
    }
    expectCaMutated(initial.ca[0]!);

    const nifiNodes = new Set(initial.nifi.map(nodeOf));
    expect(nifiNodes.size, 'NiFi pods on 3 distinct nodes').to.equal(3);
    const free = NODES.filter((n) => !nifiNodes.has(n));
    expect(free, 'exactly one node without a NiFi pod').to.have.length(1);
    expect(nodeOf(initial.ca[0]), 'nifi-ca node').to.equal(free[0]);
  });

  it('scenario 1: the stored status annotation tells what was injected, after the API server re-invokes the webhook', async () => {
    // On a real API server the ServiceAccount admission plugin adds its token mount to every container,
    // the injected init container included, so with reinvocationPolicy IfNeeded the webhook is called a
    // second time on its own output. That second call must not rewrite the pod's status to "skipped".
    const s = await snapshot(NS);
    for (const p of [...s.nifi, ...s.ca]) {
      const status = p.metadata.annotations?.[STATUS_ANNOTATION] ?? '';
      expect(status, `${p.metadata.name}: ${STATUS_ANNOTATION}`).to.not.equal('');
      const init = (p.spec.initContainers ?? []).find((c) => c.name === INIT_CONTAINER);
      const mounts = (init?.volumeMounts ?? []).map((m) => m.mountPath).join(', ');
      expect(status, `${p.metadata.name}: ${STATUS_ANNOTATION} is "${status}" although the pod has the injected `
        + `init container (its volumeMounts as stored: ${mounts || 'none'}). The re-invocation judged it foreign`)
        .to.not.match(/=skipped/);
    }
  });

  it('scenario 2: losing the nifi-ca node, then a NiFi node, never puts nifi-ca beside NiFi', async () => {
    // Loss 1: the node that hosts nifi-ca disappears (Node deleted, its pods gone). The Deployment
    // recreates nifi-ca; the 3 remaining nodes all run NiFi, so it must stay Pending, not co-locate.
    const caNode = nodeOf(initial.ca[0]);
    const oldCa = initial.ca[0]!.metadata.uid;
    await loseNode(caNode, 'delete', NS);
    const pending = await waitApart(NS, 'a new nifi-ca pod', (s) => s.ca.length === 1 && s.ca[0]!.metadata.uid !== oldCa);
    const newCa = pending.ca[0]!;
    expectCaMutated(newCa);
    const ev = await waitEvent(NS, newCa.metadata.name, 'FailedScheduling', /anti-affinity/);
    console.log(`      after losing ${caNode}: ${newCa.metadata.name} FailedScheduling: ${ev.message}`);
    const still = await snapshot(NS);
    expectApart(still);
    expect(still.ca.find((p) => p.metadata.uid === newCa.metadata.uid)?.spec.nodeName, 'nifi-ca stays Pending').to.equal(undefined);

    // A replacement node joins (as node auto-repair or an autoscaler would add): nifi-ca goes there.
    await createNodes(['node-e']);
    const healed = await waitApart(NS, 'nifi-ca bound to the replacement node', (s) => s.ca.length === 1 && !!s.ca[0]!.spec.nodeName);
    expect(nodeOf(healed.ca[0]), 'nifi-ca node after loss 1').to.equal('node-e');
    console.log(`      after replacement: ${describeSnapshot(healed)}`);

    // Loss 2: the node of a NiFi pod goes away (cordoned, its pod gone). The StatefulSet recreates
    // the pod; the scheduler's spreading would favour node-e (no NiFi pod there), but nifi-ca is there.
    const victim = healed.nifi.find((p) => p.metadata.name === 'nifi-1') ?? healed.nifi[0]!;
    const victimNode = nodeOf(victim);
    await loseNode(victimNode, 'cordon', NS);
    const after2 = await waitApart(NS, `${victim.metadata.name} recreated and bound`, (s) => {
      const again = s.nifi.find((p) => p.metadata.name === victim.metadata.name);
      return s.nifi.length === 3 && !!again && again.metadata.uid !== victim.metadata.uid && !!again.spec.nodeName;
    });
    const again = after2.nifi.find((p) => p.metadata.name === victim.metadata.name)!;
    expectNifiMutated(again);
    expect(nodeOf(again), 'not on the cordoned node').to.not.equal(victimNode);
    expect(nodeOf(again), 'not beside nifi-ca').to.not.equal(nodeOf(after2.ca[0]));
    console.log(`      after losing ${victimNode}: ${describeSnapshot(after2)}`);
    expectApart(after2);
  });
});
