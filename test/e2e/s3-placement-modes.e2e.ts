// Scenario 3: only 3 nodes, all running NiFi. required: nifi-ca stays Pending and the scheduler says
// why; preferred: nifi-ca is placed on a NiFi node.
import { expect } from 'chai';
import {
  createNamespace, createNodes, deleteAllE2eNodes, deleteNamespace, fixture, pod, waitEvent,
} from './support/cluster.js';
import { expectCaMutated, expectNifiMutated } from './support/expect-mutation.js';
import { kubectlOk } from './support/kubectl.js';
import { describeSnapshot, nodeOf, snapshot, waitApart } from './support/placement.js';
import { ensureWebhook, POLICY_PREFERRED, POLICY_REQUIRED } from './support/suite.js';
import { eventually } from './support/wait.js';

const NODES = ['node-a', 'node-b', 'node-c'];

/** Deploys NiFi first and waits until it occupies all 3 nodes, then deploys nifi-ca. */
async function deployNifiThenCa(ns: string): Promise<void> {
  await kubectlOk(['-n', ns, 'apply', '-f', fixture('nifi-statefulset.yaml')]);
  const s = await waitApart(ns, '3 NiFi pods bound', (x) => x.nifi.length === 3 && x.nifi.every((p) => p.spec.nodeName));
  expect(new Set(s.nifi.map(nodeOf)).size, `NiFi on all 3 nodes: ${describeSnapshot(s)}`).to.equal(3);
  await kubectlOk(['-n', ns, 'apply', '-f', fixture('nifi-ca-deployment.yaml')]);
}

describe('e2e: placement modes when every node runs NiFi', function () {
  this.timeout(180_000);

  before(async () => {
    await deleteAllE2eNodes();
    await createNodes(NODES);
  });

  after(async () => {
    await ensureWebhook(POLICY_REQUIRED);
  });

  describe('placement: required', () => {
    const NS = 'e2e-required';
    before(async () => {
      await ensureWebhook(POLICY_REQUIRED);
      await createNamespace(NS);
    });
    after(async () => deleteNamespace(NS));

    it('scenario 3a: nifi-ca stays Pending and FailedScheduling names the anti-affinity', async () => {
      await deployNifiThenCa(NS);
      const s = await waitApart(NS, 'the nifi-ca pod', (x) => x.ca.length === 1);
      const ca = s.ca[0]!;
      expectCaMutated(ca, 'required');
      const ev = await waitEvent(NS, ca.metadata.name, 'FailedScheduling', /anti-affinity/);
      console.log(`      FailedScheduling ${NS}/${ca.metadata.name}: ${ev.message}`);
      expect(ev.type).to.equal('Warning');
      expect(ev.message).to.match(/^0\/3 nodes are available/);
      const now = await pod(NS, ca.metadata.name);
      expect(now.spec.nodeName, 'nifi-ca is not bound').to.equal(undefined);
      const cond = now.status?.conditions?.find((c) => c.type === 'PodScheduled');
      expect(cond?.status).to.equal('False');
      expect(cond?.reason).to.equal('Unschedulable');
    });
  });

  describe('placement: preferred', () => {
    const NS = 'e2e-preferred';
    before(async () => {
      await ensureWebhook(POLICY_PREFERRED);
      await createNamespace(NS);
    });
    after(async () => deleteNamespace(NS));

    it('scenario 3b: nifi-ca is placed on a node that runs NiFi', async () => {
      await deployNifiThenCa(NS);
      const s = await eventually('nifi-ca bound', async () => {
        const x = await snapshot(NS);
        return x.ca.length === 1 && x.ca[0]!.spec.nodeName ? x : undefined;
      }, { timeoutMs: 60_000 });
      console.log(`      placement: ${describeSnapshot(s)}`);
      for (const p of s.nifi) expectNifiMutated(p, 'preferred');
      expectCaMutated(s.ca[0]!, 'preferred');
      expect(s.nifi.map(nodeOf), 'nifi-ca shares a node with a NiFi pod').to.include(nodeOf(s.ca[0]));
    });
  });
});
