// State shared by every e2e spec: the one webhook process and the policy files it may run with.
import { fixture } from './cluster.js';
import { serviceAccountKubeconfig } from './service-account.js';
import { WebhookProcess } from './webhook.js';

export const POLICY_REQUIRED = fixture('policy-required.yaml');
export const POLICY_PREFERRED = fixture('policy-preferred.yaml');

let instance: WebhookProcess | undefined;
export function webhook(): WebhookProcess {
  instance ??= new WebhookProcess();
  return instance;
}

/**
 * Makes sure the webhook runs with the given policy file, watching cluster policies or not
 * (restarting it when it runs otherwise). The watching webhook authenticates as the ServiceAccount
 * nifi-ca-guard/nifi-ca-guard (its token, the manifests' RBAC), never with the suite's admin credentials.
 */
let current: string | undefined;
export async function ensureWebhook(policyFile: string = POLICY_REQUIRED, opts: { watchPolicies?: boolean; env?: Record<string, string> } = {}): Promise<void> {
  const w = webhook();
  const wanted = `${policyFile}|${opts.watchPolicies === true}|${JSON.stringify(opts.env ?? {})}`;
  if (w.running && current === wanted) return;
  await w.stop();
  current = undefined;
  await w.start(policyFile, opts.watchPolicies ? { watchPolicies: true, kubeconfig: await serviceAccountKubeconfig(), env: opts.env } : { env: opts.env });
  current = wanted;
}

/**
 * Restarts the webhook watching cluster policies as the ServiceAccount, waiting only until it listens
 * (not until it is ready): for tests of what it does when it cannot sync. The next ensureWebhook restarts it.
 */
export async function startWatchingUnready(policyFile: string = POLICY_REQUIRED): Promise<void> {
  const w = webhook();
  await w.stop();
  current = undefined;
  await w.start(policyFile, { watchPolicies: true, kubeconfig: await serviceAccountKubeconfig(), waitReady: false });
}

export async function stopWebhook(): Promise<void> {
  await webhook().stop();
  current = undefined;
}
