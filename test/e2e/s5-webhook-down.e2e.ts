// Scenario 5: the webhook stopped. Pods outside its scope are created at once; NiFi pods follow the
// configured failurePolicy. Restarted: admissions resume, and controllers' retries go through.
import { expect } from 'chai';
import { parse } from 'yaml';
import {
  createNamespace, createNodes, deleteAllE2eNodes, deleteNamespace, e2eNodes, fixture, pod, pods, readFixture, waitEvent,
} from './support/cluster.js';
import { expectNifiMutated, expectUnmutated } from './support/expect-mutation.js';
import { getJson, kubectl, kubectlOk } from './support/kubectl.js';
import { WEBHOOK_CONFIG_NAME } from './support/manifests.js';
import { ensureWebhook, stopWebhook, webhook } from './support/suite.js';
import { eventually } from './support/wait.js';

const NS = 'e2e-down';

interface Mwc {
  webhooks: Array<{ name: string; failurePolicy: 'Fail' | 'Ignore'; timeoutSeconds: number }>;
}

async function createNifiPod(name: string, dryRun = false): Promise<{ code: number; stderr: string }> {
  const p = parse(readFixture('nifi-pod.yaml')) as { metadata: { name: string } };
  p.metadata.name = name;
  return kubectl(['-n', NS, 'create', ...(dryRun ? ['--dry-run=server'] : []), '-f', '-'], { input: JSON.stringify(p) });
}

async function setFailurePolicy(value: 'Fail' | 'Ignore', expected: 'Fail' | 'Ignore'): Promise<void> {
  const mwc = await getJson<Mwc>(['mutatingwebhookconfiguration', WEBHOOK_CONFIG_NAME]);
  const ops = mwc.webhooks.flatMap((_, i) => [
    { op: 'test', path: `/webhooks/${i}/failurePolicy`, value: expected },
    { op: 'replace', path: `/webhooks/${i}/failurePolicy`, value },
  ]);
  await kubectlOk(['patch', 'mutatingwebhookconfiguration', WEBHOOK_CONFIG_NAME, '--type=json', '-p', JSON.stringify(ops)]);
}

/** Waits until the API server applies failurePolicy Fail again (probed by dry runs: nothing stored). */
async function waitRejected(): Promise<void> {
  await eventually('NiFi pods rejected again (failurePolicy Fail in effect)', async () => {
    const r = await createNifiPod('nifi-probe', true);
    return r.code !== 0 && /failed calling webhook/.test(r.stderr) ? true : undefined;
  }, { timeoutMs: 30_000 });
}

describe('e2e: the webhook stopped and restarted', function () {
  this.timeout(180_000);
  let failurePolicy: 'Fail' | 'Ignore';
  let timeoutSeconds: number;

  before(async () => {
    await ensureWebhook();
    if ((await e2eNodes()).length === 0) {
      await deleteAllE2eNodes();
      await createNodes(['node-a', 'node-b', 'node-c']);
    }
    await createNamespace(NS);
    const mwc = await getJson<Mwc>(['mutatingwebhookconfiguration', WEBHOOK_CONFIG_NAME]);
    const policies = new Set(mwc.webhooks.map((w) => w.failurePolicy));
    expect(policies.size, 'one failurePolicy for all webhooks').to.equal(1);
    failurePolicy = mwc.webhooks[0]!.failurePolicy;
    timeoutSeconds = Math.max(...mwc.webhooks.map((w) => w.timeoutSeconds));
    await stopWebhook();
    await eventually('the webhook port to refuse connections', async () => {
      try {
        await webhook().get('/healthz');
        return undefined;
      } catch {
        return true;
      }
    }, { timeoutMs: 10_000 });
  });

  after(async () => {
    await ensureWebhook();
    await deleteNamespace(NS);
  });

  it('scenario 5a: a pod outside the webhook\'s scope is created at once', async () => {
    const r = await kubectl(['-n', NS, 'create', '-f', fixture('other-pod.yaml')]);
    expect(r.code, r.stderr).to.equal(0);
    console.log(`      unrelated pod created in ${r.ms} ms with the webhook down`);
    // Not sent to the webhook at all: no wait for its timeout, no error.
    expect(r.ms, 'well under the webhook timeout').to.be.below(timeoutSeconds * 1000);
    expectUnmutated(await pod(NS, 'unrelated'));
  });

  it('scenario 5b: a NiFi pod follows the configured failurePolicy', async () => {
    const r = await kubectl(['-n', NS, 'create', '-f', fixture('nifi-pod.yaml')]);
    console.log(`      failurePolicy ${failurePolicy}: kubectl exit ${r.code}: ${r.stderr.trim().split('\n')[0] ?? ''}`);
    if (failurePolicy === 'Fail') {
      expect(r.code, 'rejected').to.not.equal(0);
      expect(r.stderr).to.match(/failed calling webhook/);
      expect((await kubectl(['-n', NS, 'get', 'pod', 'nifi-preview'])).code, 'not stored').to.not.equal(0);
    } else {
      expect(r.code, r.stderr).to.equal(0);
      expectUnmutated(await pod(NS, 'nifi-preview'));
      await kubectlOk(['-n', NS, 'delete', 'pod', 'nifi-preview', '--grace-period=0', '--force']);
    }
  });

  it('scenario 5b: the other failurePolicy, set on the live configuration, is followed too', async () => {
    const other = failurePolicy === 'Fail' ? 'Ignore' : 'Fail';
    await setFailurePolicy(other, failurePolicy);
    try {
      if (other === 'Ignore') {
        // The API server reloads webhook configurations asynchronously: retry until one create goes through.
        const stored = await eventually('a NiFi pod admitted with failurePolicy Ignore', async () => {
          const r = await createNifiPod('nifi-ignored');
          return r.code === 0 ? pod(NS, 'nifi-ignored') : undefined;
        }, { timeoutMs: 30_000 });
        console.log('      failurePolicy Ignore: NiFi pod stored, unmutated');
        expectUnmutated(stored);
        await kubectlOk(['-n', NS, 'delete', 'pod', 'nifi-ignored', '--grace-period=0', '--force']);
      } else {
        await waitRejected();
      }
    } finally {
      await setFailurePolicy(failurePolicy, other);
    }
    if (failurePolicy === 'Fail') await waitRejected();
  });

  it('scenario 5c: restarted, admissions resume (also the StatefulSet controller\'s retries)', async () => {
    await kubectlOk(['-n', NS, 'apply', '-f', fixture('nifi-statefulset.yaml')]);
    if (failurePolicy === 'Fail') {
      const ev = await waitEvent(NS, 'nifi', 'FailedCreate', /failed calling webhook/);
      console.log(`      while down: StatefulSet FailedCreate: ${ev.message.slice(0, 160)}...`);
      expect(await pods(NS, 'app=nifi'), 'no NiFi pod while the webhook is down').to.have.length(0);
    }
    await ensureWebhook();

    const r = await kubectl(['-n', NS, 'create', '-f', fixture('nifi-pod.yaml')]);
    expect(r.code, r.stderr).to.equal(0);
    expectNifiMutated(await pod(NS, 'nifi-preview'));

    const sts = await eventually('3 NiFi StatefulSet pods created after the restart', async () => {
      const got = (await pods(NS, 'app=nifi')).filter((p) => p.metadata.name !== 'nifi-preview');
      return got.length === 3 ? got : undefined;
    }, { timeoutMs: 120_000 });
    for (const p of sts) expectNifiMutated(p);
  });
});
