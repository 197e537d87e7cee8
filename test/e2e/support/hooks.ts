// Root hooks (mocha --require): certificates, the webhook from the build, the e2e overlay applied,
// and a probe that the API server really calls the webhook before any scenario runs.
import { createNamespace, deleteNamespace, fixture, type Pod } from './cluster.js';
import { expectNifiMutated } from './expect-mutation.js';
import { kubectl } from './kubectl.js';
import { applyOverlay } from './manifests.js';
import { ensureWebhook, stopWebhook, webhook } from './suite.js';
import { eventually } from './wait.js';

const PROBE_NS = 'e2e-probe';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(120_000);
    const w = webhook();
    await w.issueCertificates();
    await ensureWebhook();
    await applyOverlay(w.url, w.caBundle);
    await createNamespace(PROBE_NS);
    // The API server picks up a new webhook configuration asynchronously: wait until a server-side
    // dry run of a NiFi pod comes back mutated.
    await eventually('the API server to call the webhook', async () => {
      const r = await kubectl(['-n', PROBE_NS, 'create', '--dry-run=server', '-o', 'json', '-f', fixture('nifi-pod.yaml')]);
      if (r.code !== 0) throw new Error(r.stderr.trim());
      const p = JSON.parse(r.stdout) as Pod;
      expectNifiMutated(p);
      return true;
    }, { timeoutMs: 30_000 });
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    await deleteNamespace(PROBE_NS).catch(() => undefined);
    await stopWebhook();
  },
};
