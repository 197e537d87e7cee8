// Scenario 4: a server-side dry run shows the injected fields and the webhook's warnings, and stores nothing.
import { expect } from 'chai';
import { parse } from 'yaml';
import { createNamespace, deleteNamespace, fixture, type Pod } from './support/cluster.js';
import { expectNifiMutated } from './support/expect-mutation.js';
import { kubectl } from './support/kubectl.js';
import { ensureWebhook, webhook } from './support/suite.js';
import { eventually } from './support/wait.js';

const NS = 'e2e-preview';

describe('e2e: kubectl apply --dry-run=server', function () {
  this.timeout(60_000);

  before(async () => {
    await ensureWebhook();
    await createNamespace(NS);
  });
  after(async () => deleteNamespace(NS));

  it('scenario 4: prints the mutated pod and the warnings, persists nothing', async () => {
    const r = await kubectl(['-n', NS, 'apply', '--dry-run=server', '-f', fixture('nifi-pod.yaml'), '-o', 'yaml']);
    expect(r.code, r.stderr).to.equal(0);
    const shown = parse(r.stdout) as Pod;
    expectNifiMutated(shown);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('Warning: '));
    console.log(`      kubectl printed ${warnings.length} warning(s), e.g. ${JSON.stringify(warnings[0] ?? '')}`);
    expect(warnings, `kubectl stderr: ${r.stderr}`).to.not.be.empty;
    for (const w of warnings) expect(w.length - 'Warning: '.length, w).to.be.below(120);

    // serve buffers admission lines for up to a second (log.ts bufferedDestination).
    const logged = await eventually('the admission line of nifi-preview', async () => {
      const lines = webhook().admissions().filter((a) => a.namespace === NS && a.podName === 'nifi-preview');
      return lines.length > 0 ? lines : undefined;
    }, { timeoutMs: 10_000, intervalMs: 100 });
    expect(logged.at(-1)?.dryRun, 'webhook saw a dry-run request').to.equal(true);

    const get = await kubectl(['-n', NS, 'get', 'pod', 'nifi-preview']);
    expect(get.code, 'nothing persisted').to.not.equal(0);
    expect(get.stderr).to.match(/NotFound|not found/);
  });
});
