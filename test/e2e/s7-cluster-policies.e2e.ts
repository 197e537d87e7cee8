// Beyond the six scenarios: NiFiTrustPolicy objects (the CRD from manifests/base) on a real API
// server, watched live by `serve --watch-policies`. The webhook reaches the API server as the
// ServiceAccount nifi-ca-guard/nifi-ca-guard with its token (support/service-account.ts), so these
// tests also prove the RBAC of manifests/base/rbac.yaml: enough with the binding (policies sync and
// edits apply), and without the binding the webhook is refused the list and never reports ready.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { flatten } from '../../src/preview/preview.js';
import { parseObjects } from '../../src/preview/read.js';
import { findTemplate, podFromTemplate } from '../../src/preview/templates.js';
import { repoPath } from '../support/paths.js';
import { createNamespace, deleteNamespace, fixture, type Pod } from './support/cluster.js';
import { antiAffinityAgainst, POLICY_ANNOTATION } from './support/expect-mutation.js';
import { getJson, kubectl, kubectlOk } from './support/kubectl.js';
import { POLICY_RESOURCE, removeBinding, restoreBinding, SA_USER, serviceAccountCan } from './support/service-account.js';
import { ensureWebhook, POLICY_REQUIRED, startWatchingUnready, webhook } from './support/suite.js';
import { eventually } from './support/wait.js';

const NS = 'e2e-cluster-policy';
const OTHER_NS = 'e2e-cluster-policy-other';
const NAME = 'e2e-cluster-policy';

function policy(mode: string): string {
  return JSON.stringify({
    apiVersion: 'nifi-ca-guard.io/v1alpha1',
    kind: 'NiFiTrustPolicy',
    metadata: { name: NAME },
    spec: { namespaces: [NS], placement: { mode } },
  });
}

/** What the webhook does to a NiFi pod in `ns` right now (server-side dry run: nothing stored). */
async function preview(ns: string): Promise<Pod> {
  const r = await kubectl(['-n', ns, 'create', '--dry-run=server', '-o', 'json', '-f', fixture('nifi-pod.yaml')]);
  if (r.code !== 0) throw new Error(r.stderr.trim());
  return JSON.parse(r.stdout) as Pod;
}

async function waitFor(ns: string, policyName: string, mode: 'required' | 'preferred'): Promise<Pod> {
  return eventually(`NiFi pods in ${ns} admitted under policy ${policyName} (${mode})`, async () => {
    const p = await preview(ns);
    const terms = antiAffinityAgainst(p, 'nifi-ca');
    return p.metadata.annotations?.[POLICY_ANNOTATION] === policyName && terms[mode].length > 0 ? p : undefined;
  }, { timeoutMs: 30_000 });
}

describe('e2e: NiFiTrustPolicy objects watched live', function () {
  this.timeout(120_000);

  before(async () => {
    await createNamespace(NS);
    await createNamespace(OTHER_NS);
    await ensureWebhook(POLICY_REQUIRED, { watchPolicies: true });
  });

  after(async () => {
    await restoreBinding(); // in case a failed test left it deleted
    await kubectl(['delete', 'nifitrustpolicy', NAME, '--ignore-not-found']);
    await ensureWebhook(POLICY_REQUIRED);
    await deleteNamespace(NS);
    await deleteNamespace(OTHER_NS);
  });

  it('a cluster policy governs its namespaces, follows edits, and its removal falls back to the file policy', async () => {
    await kubectlOk(['apply', '-f', '-'], { input: policy('preferred') });
    await waitFor(NS, NAME, 'preferred');
    await waitFor(OTHER_NS, 'e2e-required', 'required'); // a namespace the object does not claim

    await kubectlOk(['apply', '-f', '-'], { input: policy('required') });
    await waitFor(NS, NAME, 'required');

    // The CRD's schema refuses a bad value at apply time; the policy in force stays.
    const bad = await kubectl(['apply', '-f', '-'], { input: policy('sometimes') });
    expect(bad.code, 'invalid placement.mode refused').to.not.equal(0);
    expect(bad.stderr).to.match(/placement\.mode|Unsupported value/);
    await waitFor(NS, NAME, 'required');

    await kubectlOk(['delete', 'nifitrustpolicy', NAME]);
    await waitFor(NS, 'e2e-required', 'required');
  });

  it('the cetic recipe as a cluster policy: the API server keeps its merge wiring, and a cetic NiFi pod gets the merge step after cert-request', async () => {
    // The recipe's policy, claiming this namespace; the CRD must declare every field it uses, or the
    // API server prunes them and the webhook silently falls back to env wiring.
    const recipe = parse(readFileSync(repoPath('examples', 'cetic-helm-nifi', 'policy.yaml'), 'utf8')) as { metadata: { name: string }; spec: Record<string, unknown> };
    recipe.metadata.name = NAME;
    recipe.spec.namespaces = [NS];
    await kubectlOk(['apply', '-f', '-'], { input: JSON.stringify(recipe) });
    const stored = await getJson<{ spec: { trustBundle: Record<string, unknown> } }>(['nifitrustpolicy', NAME]);
    expect(stored.spec.trustBundle.wiring).to.equal('merge');
    expect(stored.spec.trustBundle.merge).to.deep.include({ after: 'cert-request', volume: 'config-data', store: 'certs/truststore.jks', passwordKey: 'trustStorePassword' });

    // A pod of the rendered release's StatefulSet, as the StatefulSet controller would create it.
    const release = readFileSync(repoPath('examples', 'cetic-helm-nifi', 'release.yaml'), 'utf8');
    const sts = flatten(parseObjects(release, 'release.yaml')).find((o) => o.kind === 'StatefulSet' && (o.metadata as { name: string }).name === 'nifi')!;
    const pod = structuredClone(podFromTemplate(findTemplate(sts)!)) as { metadata: Record<string, unknown> };
    pod.metadata = { ...pod.metadata, name: 'nifi-0', annotations: {} };
    const mutated = await eventually('a cetic NiFi pod mutated under the cluster policy', async () => {
      const r = await kubectl(['-n', NS, 'create', '--dry-run=server', '-o', 'json', '-f', '-'], { input: JSON.stringify(pod) });
      if (r.code !== 0) throw new Error(r.stderr.trim());
      const p = JSON.parse(r.stdout) as Pod;
      return p.metadata.annotations?.[POLICY_ANNOTATION] === NAME ? p : undefined;
    }, { timeoutMs: 30_000 });
    const inits = (mutated.spec.initContainers ?? []) as Array<{ name: string; volumeMounts?: Array<{ name: string }> }>;
    expect(inits.map((c) => c.name)).to.deep.equal(['zookeeper', 'cert-request', 'nifi-ca-guard-trust-merge']);
    expect(inits[2]!.volumeMounts!.map((m) => m.name)).to.include('config-data');
    expect(mutated.metadata.annotations?.['nifi-ca-guard.io/status']).to.equal('anti-affinity=required,trust-bundle=merge');
    await kubectlOk(['delete', 'nifitrustpolicy', NAME]);
    await waitFor(NS, 'e2e-required', 'required');
  });

  it('the webhook\'s ServiceAccount kubeconfig may get, list and watch NiFiTrustPolicy objects, and not write them, get pods, read Secrets or CRDs', async () => {
    for (const verb of ['get', 'list', 'watch']) {
      expect(await serviceAccountCan(verb, POLICY_RESOURCE), `${verb} ${POLICY_RESOURCE}`).to.equal(true);
    }
    const denied: Array<[string, string]> = [['create', POLICY_RESOURCE], ['update', POLICY_RESOURCE], ['delete', POLICY_RESOURCE],
      // Pods and Nodes are listed and watched for cluster facts (s10-cluster-facts), never got or written.
      ['get', 'pods'], ['create', 'pods'], ['get', 'secrets'], ['list', 'secrets'], ['list', 'customresourcedefinitions.apiextensions.k8s.io']];
    for (const [verb, resource] of denied) {
      expect(await serviceAccountCan(verb, resource), `${verb} ${resource}`).to.equal(false);
    }
  });

  it('without the ClusterRoleBinding the webhook is refused the list and /readyz stays 503; restoring the binding syncs it', async () => {
    const w = webhook();
    const refusals = (): Array<Record<string, unknown>> => w.records().filter((l) => l.msg === 'cannot list NiFiTrustPolicy objects; retrying');
    const synced = (): boolean => w.records().some((l) => l.msg === 'cluster policies synced');
    await kubectlOk(['apply', '-f', '-'], { input: policy('preferred') });
    await removeBinding();
    try {
      await startWatchingUnready();
      // Refused (403, naming the ServiceAccount: the webhook really authenticates as it), then
      // refused again on the retry (every 5 s): not ready all along, nothing synced.
      const refused = await eventually('the webhook to be refused the list twice', async () => {
        const r = refusals();
        return r.length >= 2 ? r : undefined;
      }, { timeoutMs: 30_000 });
      expect(String(refused[0]!.error)).to.match(/^HTTP 403: .*forbidden/);
      expect(String(refused[0]!.error)).to.include(`User "${SA_USER}" cannot list resource "nifitrustpolicies"`);
      const ready = await w.readyz();
      expect(ready.status, `/readyz ${JSON.stringify(ready.problems)}`).to.equal(503);
      expect(ready.problems).to.deep.equal(['cluster policies not synced']);
      expect(synced(), 'a "cluster policies synced" log line').to.equal(false);
    } finally {
      await restoreBinding();
    }
    // The same process, not restarted: its next retry lists, syncs, and the policy is in force.
    await eventually('the webhook to become ready once the binding is back', async () => ((await w.readyz()).status === 200 ? true : undefined), { timeoutMs: 30_000 });
    expect(synced(), 'a "cluster policies synced" log line').to.equal(true);
    await waitFor(NS, NAME, 'preferred');
    await kubectlOk(['delete', 'nifitrustpolicy', NAME]);
    await waitFor(NS, 'e2e-required', 'required');
  });
});
