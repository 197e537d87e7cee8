// `serve --watch-policies`: the webhook configuration's entries follow the policies in force, written
// by the replica that leads (serve-leader.ts). Loaded only then; --follow-policies=false turns it off.
import type { Logger } from 'pino';
import type { RuntimeConfig } from '../config.js';
import { startWebhookFollow, type WebhookFollow } from '../cluster/webhook-follow.js';
import type { PolicyStore } from '../policy/store.js';
import type { ClusterControl } from './serve-leader.js';

/** `synced`: true once the cluster policies are listed (before, their entries would be dropped). */
export function startFollow(config: RuntimeConfig, logger: Logger, control: ClusterControl, store: PolicyStore, synced: () => boolean): WebhookFollow {
  const follow = startWebhookFollow({
    api: control.api,
    webhookConfiguration: config.webhookConfiguration,
    namespace: config.namespace,
    policies: () => store.snapshot(),
    synced,
    isLeader: control.isLeader,
    intervalMs: config.followPoliciesIntervalMs,
    logger: logger.child({ component: 'webhook-follow' }),
  });
  store.subscribe(follow.changed);
  control.onLeading((leading) => {
    if (leading) void follow.sync(); // a new leader checks at once, not at the next interval
  });
  return follow;
}
