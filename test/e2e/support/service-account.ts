// The webhook's own identity: the ServiceAccount `nifi-ca-guard` in namespace `nifi-ca-guard` from
// manifests/base, with the ClusterRole/ClusterRoleBinding of manifests/base/rbac.yaml. The watching
// webhook reaches the API server with a kubeconfig built from that ServiceAccount's token, as it would
// in a pod, so a wrong RBAC rule fails the suite.
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { e2eEnv } from './env.js';
import { getJson, kubectl, kubectlOk } from './kubectl.js';
import { renderOverlay } from './manifests.js';
import { eventually } from './wait.js';

export const SA_NAMESPACE = 'nifi-ca-guard';
export const SA_NAME = 'nifi-ca-guard';
export const SA_USER = `system:serviceaccount:${SA_NAMESPACE}:${SA_NAME}`;
export const BINDING_NAME = 'nifi-ca-guard';
/** The resource the ClusterRole grants, as `kubectl auth can-i` names it. */
export const POLICY_RESOURCE = 'nifitrustpolicies.nifi-ca-guard.io';

interface TokenSecret {
  type: string;
  metadata: { name: string; annotations?: Record<string, string> };
  data?: { token?: string; 'ca.crt'?: string };
}

let cached: string | undefined;

/**
 * Writes STATE/webhook-sa/kubeconfig: the test API server's URL, the CA the controller-manager puts
 * into the token Secret (its --root-ca-file, the API server's CA) and the ServiceAccount's token.
 * Kubernetes 1.20's token controller (kube-controller-manager --service-account-private-key-file)
 * creates that Secret for every ServiceAccount and lists it in `.secrets`; this waits for it.
 */
export async function serviceAccountKubeconfig(): Promise<string> {
  if (cached) return cached;
  const secret = await eventually(`a token Secret for ServiceAccount ${SA_NAMESPACE}/${SA_NAME}`, async () => {
    const sa = await getJson<{ secrets?: Array<{ name: string }> }>(['-n', SA_NAMESPACE, 'serviceaccount', SA_NAME]);
    for (const ref of sa.secrets ?? []) {
      const s = await getJson<TokenSecret>(['-n', SA_NAMESPACE, 'secret', ref.name]);
      if (s.type === 'kubernetes.io/service-account-token' && s.data?.token && s.data['ca.crt']) return s;
    }
    return undefined;
  }, { timeoutMs: 30_000 });
  const env = e2eEnv();
  const dir = path.join(env.stateDir, 'webhook-sa');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caFile = path.join(dir, 'ca.crt');
  fs.writeFileSync(caFile, Buffer.from(secret.data!['ca.crt']!, 'base64'));
  const file = path.join(dir, 'kubeconfig');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'e2e', cluster: { server: `https://127.0.0.1:${env.apiserverPort}`, 'certificate-authority': caFile } }],
    users: [{ name: SA_USER, user: { token: Buffer.from(secret.data!.token!, 'base64').toString('utf8') } }],
    contexts: [{ name: 'e2e-webhook', context: { cluster: 'e2e', user: SA_USER } }],
    'current-context': 'e2e-webhook',
  };
  fs.writeFileSync(file, stringify(config), { mode: 0o600 });
  cached = file;
  return file;
}

/**
 * `kubectl auth can-i VERB RESOURCE` as the ServiceAccount (with its own kubeconfig, no impersonation), in
 * `namespace` (else the kubeconfig's, default) and of a `subresource` when given.
 */
export async function serviceAccountCan(verb: string, resource: string, opts: { namespace?: string; subresource?: string } = {}): Promise<boolean> {
  const args = ['auth', 'can-i', verb, resource, ...(opts.namespace ? ['-n', opts.namespace] : []), ...(opts.subresource ? [`--subresource=${opts.subresource}`] : [])];
  const r = await kubectl(args, { kubeconfig: await serviceAccountKubeconfig() });
  const answer = r.stdout.trim();
  if (answer === 'yes') return true;
  if (answer === 'no') return false;
  throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stdout.trim()} ${r.stderr.trim()}`);
}

/** Deletes the ClusterRoleBinding and waits (bounded) until the API server's authorizer denies the list. */
export async function removeBinding(): Promise<void> {
  await kubectlOk(['delete', 'clusterrolebinding', BINDING_NAME, '--ignore-not-found']);
  await eventually(`the API server to deny ${SA_USER} list ${POLICY_RESOURCE}`, async () =>
    ((await serviceAccountCan('list', POLICY_RESOURCE)) ? undefined : true), { timeoutMs: 30_000, intervalMs: 200 });
}

/**
 * Re-applies the ClusterRoleBinding exactly as the e2e overlay renders it (manifests/base/rbac.yaml) and
 * waits (bounded) until the authorizer allows the list again.
 */
export async function restoreBinding(): Promise<void> {
  const docs = await renderOverlay('https://127.0.0.1:1/mutate', '');
  const binding = docs.find((d) => d.kind === 'ClusterRoleBinding' && d.metadata.name === BINDING_NAME);
  if (!binding) throw new Error(`the e2e overlay renders no ClusterRoleBinding ${BINDING_NAME}`);
  await kubectlOk(['apply', '-f', '-'], { input: stringify(binding) });
  await eventually(`the API server to allow ${SA_USER} list ${POLICY_RESOURCE}`, async () =>
    ((await serviceAccountCan('list', POLICY_RESOURCE)) ? true : undefined), { timeoutMs: 30_000, intervalMs: 200 });
}
