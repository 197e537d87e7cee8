// Issue 11 part 4 on a real API server: `serve --watch-policies`, as the webhook's ServiceAccount, keeps
// its MutatingWebhookConfiguration's entries in step with the NiFiTrustPolicy objects. A policy for
// labels the installed entries do not send gets its own entries with no manual edit, and its pods are
// mutated; deleted, its entries go; an install that rewrites the configuration (as a Helm upgrade does)
// is followed again within the interval. The ServiceAccount may read and patch that one configuration
// and nothing else of its kind.
import { expect } from 'chai';
import { stringify } from 'yaml';
import { createNamespace, deleteNamespace, type Pod } from './support/cluster.js';
import { POLICY_ANNOTATION, ROLE_ANNOTATION } from './support/expect-mutation.js';
import { getJson, kubectl, kubectlOk } from './support/kubectl.js';
import { renderOverlay, WEBHOOK_CONFIG_NAME } from './support/manifests.js';
import { serviceAccountCan } from './support/service-account.js';
import { ensureWebhook, POLICY_REQUIRED, webhook } from './support/suite.js';
import { eventually } from './support/wait.js';

const NS = 'e2e-follow';
const OTHER_NS = 'e2e-follow-other';
const NAME = 'e2e-follow';
const INSTALLED = ['pods-app.nifi-ca-guard.io', 'pods-app-name.nifi-ca-guard.io'];
const FOLLOWED = ['pods-role-ca-team-blue.nifi-ca-guard.io', 'pods-role-nifi-team-blue.nifi-ca-guard.io'];
const MWC_RESOURCE = 'mutatingwebhookconfigurations.admissionregistration.k8s.io';

const POLICY = JSON.stringify({
  apiVersion: 'nifi-ca-guard.io/v1alpha1',
  kind: 'NiFiTrustPolicy',
  metadata: { name: NAME },
  spec: {
    namespaces: [NS],
    nifi: { selectors: [{ matchLabels: { team: 'blue', role: 'nifi' } }] },
    ca: { selectors: [{ matchLabels: { team: 'blue', role: 'ca' } }] },
    placement: { mode: 'required' },
  },
});

interface Entry {
  name: string;
  clientConfig: { url?: string; caBundle?: string };
  namespaceSelector: { matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> };
  objectSelector: unknown;
  failurePolicy: string;
}

const entries = async (): Promise<Entry[]> => (await getJson<{ webhooks: Entry[] }>(['mutatingwebhookconfiguration', WEBHOOK_CONFIG_NAME])).webhooks;

async function entriesBecome(names: string[], what: string): Promise<Entry[]> {
  return eventually(what, async () => {
    const got = await entries();
    return JSON.stringify(got.map((w) => w.name)) === JSON.stringify(names) ? got : undefined;
  }, { timeoutMs: 60_000, intervalMs: 250 });
}

/** What the webhook does to a pod with these labels in `ns` (server-side dry run: nothing stored). */
async function dryRun(ns: string, labels: Record<string, string>): Promise<Pod> {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'follow-probe', labels }, spec: { containers: [{ name: 'nifi', image: 'apache/nifi:1.23.2' }] } };
  const r = await kubectl(['-n', ns, 'create', '--dry-run=server', '-o', 'json', '-f', '-'], { input: JSON.stringify(pod) });
  if (r.code !== 0) throw new Error(r.stderr.trim());
  return JSON.parse(r.stdout) as Pod;
}

/** Rewrites the configuration whole, as installed (the e2e overlay with the suite's CA), as `helm upgrade` may. */
async function reinstallConfiguration(): Promise<void> {
  const w = webhook();
  const mwc = (await renderOverlay(w.url, w.caBundle)).find((d) => d.kind === 'MutatingWebhookConfiguration')!;
  await kubectlOk(['replace', '--save-config', '-f', '-'], { input: stringify(mwc) });
}

describe('e2e: the webhook configuration follows the policies', function () {
  this.timeout(180_000);

  before(async () => {
    await createNamespace(NS);
    await createNamespace(OTHER_NS);
    // A short interval, so a rewritten configuration is put back within the test.
    await ensureWebhook(POLICY_REQUIRED, { watchPolicies: true, env: { NIFI_CA_GUARD_FOLLOW_POLICIES_INTERVAL: '1s' } });
  });

  after(async () => {
    await kubectl(['delete', 'nifitrustpolicy', NAME, '--ignore-not-found']);
    await ensureWebhook(POLICY_REQUIRED); // no longer following
    await reinstallConfiguration();
    await deleteNamespace(NS);
    await deleteNamespace(OTHER_NS);
  });

  it('a policy for other labels: its entries are added with no edit and its pods are mutated; deleted, the entries go', async () => {
    const blueNifi = { team: 'blue', role: 'nifi' };
    expect((await entries()).map((w) => w.name)).to.deep.equal(INSTALLED);
    expect((await dryRun(NS, blueNifi)).metadata.annotations?.[POLICY_ANNOTATION], 'not mutated before the policy').to.equal(undefined);

    await kubectlOk(['apply', '-f', '-'], { input: POLICY });
    const followed = await entriesBecome([...INSTALLED, ...FOLLOWED], 'the policy\'s entries in the webhook configuration');
    const installed = followed[0]!;
    // Narrowed to the policy's namespace only where the API server labels namespaces with their name (1.21+).
    const version = JSON.parse(await kubectlOk(['version', '-o', 'json'])) as { serverVersion: { minor: string } };
    const names = Number.parseInt(version.serverVersion.minor, 10) >= 21;
    for (const w of followed.slice(2)) {
      // The install's settings, the suite's caBundle among them, copied from the entry it has.
      expect(w.clientConfig, w.name).to.deep.equal(installed.clientConfig);
      expect(w.failurePolicy, w.name).to.equal(installed.failurePolicy);
      expect(w.namespaceSelector.matchExpressions, w.name).to.deep.equal([
        { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'kube-node-lease', 'nifi-ca-guard'] },
        ...(names ? [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [NS] }] : []),
      ]);
    }
    const changes = webhook().records().filter((l) => l.msg === 'webhook configuration follows the policies');
    expect(changes.map((l) => l.added)).to.deep.include(FOLLOWED);

    // The API server now sends the policy's pods: both roles are mutated under it.
    for (const [labels, role] of [[blueNifi, 'nifi'], [{ team: 'blue', role: 'ca' }, 'nifi-ca']] as const) {
      const p = await eventually(`a ${role} pod with the policy's labels mutated`, async () => {
        const got = await dryRun(NS, labels);
        return got.metadata.annotations?.[POLICY_ANNOTATION] === NAME ? got : undefined;
      }, { timeoutMs: 30_000 });
      expect(p.metadata.annotations?.[ROLE_ANNOTATION]).to.equal(role);
    }
    // Outside the policy's namespace the fallback governs, which does not select these labels.
    expect((await dryRun(OTHER_NS, blueNifi)).metadata.annotations?.[POLICY_ANNOTATION]).to.equal(undefined);

    await kubectlOk(['delete', 'nifitrustpolicy', NAME]);
    await entriesBecome(INSTALLED, 'the policy\'s entries gone');
    await eventually('the policy\'s pods no longer sent', async () => ((await dryRun(NS, blueNifi)).metadata.annotations?.[POLICY_ANNOTATION] === undefined ? true : undefined), { timeoutMs: 30_000 });
    expect(webhook().records().filter((l) => l.msg === 'webhook configuration follows the policies').map((l) => l.removed)).to.deep.include(FOLLOWED);
  });

  it('a configuration rewritten by the install (as a Helm upgrade does) is put back by the leader', async () => {
    await kubectlOk(['apply', '-f', '-'], { input: POLICY });
    await entriesBecome([...INSTALLED, ...FOLLOWED], 'the policy\'s entries in the webhook configuration');
    const restores = () => webhook().records().filter((l) => l.msg === 'webhook configuration follows the policies' && JSON.stringify(l.added) === JSON.stringify(FOLLOWED)).length;
    const before = restores();
    // The install's own entries only; the leader may put the policy's back before this test reads them,
    // so what shows it did is its log line for the write, and the entries being there again.
    await reinstallConfiguration();
    await entriesBecome([...INSTALLED, ...FOLLOWED], 'the policy\'s entries put back');
    await eventually('the leader to log putting the entries back', async () => (restores() > before ? true : undefined), { timeoutMs: 30_000 });
    await kubectlOk(['delete', 'nifitrustpolicy', NAME]);
    await entriesBecome(INSTALLED, 'the policy\'s entries gone');
  });

  it("the webhook's ServiceAccount may get and patch its own webhook configuration, and no other, nor update, delete or list them", async () => {
    const own = `${MWC_RESOURCE}/${WEBHOOK_CONFIG_NAME}`;
    for (const verb of ['get', 'patch']) expect(await serviceAccountCan(verb, own), `${verb} ${own}`).to.equal(true);
    const denied: Array<[string, string]> = [
      ['patch', `${MWC_RESOURCE}/another-webhook`], ['get', `${MWC_RESOURCE}/another-webhook`], ['update', own], ['delete', own],
      ['list', MWC_RESOURCE], ['create', MWC_RESOURCE], ['patch', `validatingwebhookconfigurations.admissionregistration.k8s.io/${WEBHOOK_CONFIG_NAME}`],
    ];
    for (const [verb, resource] of denied) expect(await serviceAccountCan(verb, resource), `${verb} ${resource}`).to.equal(false);
  });
});
