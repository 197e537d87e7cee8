// State shared by every e2e spec: the one webhook process and the policy files it may run with.
import { fixture } from './cluster.js';
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
 * (restarting it when it runs otherwise).
 */
let current: string | undefined;
export async function ensureWebhook(policyFile: string = POLICY_REQUIRED, opts: { watchPolicies?: boolean } = {}): Promise<void> {
  const w = webhook();
  const wanted = `${policyFile}|${opts.watchPolicies === true}`;
  if (w.running && current === wanted) return;
  await w.stop();
  await w.start(policyFile, opts);
  current = wanted;
}

export async function stopWebhook(): Promise<void> {
  await webhook().stop();
  current = undefined;
}
