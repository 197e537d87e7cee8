// `serve --watch-policies`: the NiFiTrustPolicy status writer, wired from the config, written by the
// replica that leads (serve-leader.ts). Loaded only in that mode.
import type { Logger } from 'pino';
import type { RuntimeConfig } from '../config.js';
import { startPolicyStatus } from '../cluster/policy-status.js';
import type { ClusterFacts } from '../mutation/facts.js';
import type { PolicyJudgements } from '../policy/judgements.js';
import type { PolicyStore } from '../policy/store.js';
import type { ClusterControl } from './serve-leader.js';

/** Facts such as a Secret's existence change without a policy event: statuses are recomputed this often. */
const RESYNC_MS = 60_000;
/** A burst of watch events (the first list, an apply of many objects) makes one round. */
const DEBOUNCE_MS = 500;

export function startPolicyStatusWriter(
  config: RuntimeConfig,
  logger: Logger,
  control: ClusterControl,
  store: PolicyStore,
  judgements: PolicyJudgements,
  facts: () => ClusterFacts,
): { stop(): Promise<void>; changed(): void } {
  const writer = startPolicyStatus({
    api: control.api,
    judgements,
    policies: () => store.snapshot(),
    facts,
    isLeader: control.isLeader,
    identity: config.identity,
    logger: logger.child({ component: 'policy-status' }),
    resyncMs: RESYNC_MS,
    debounceMs: DEBOUNCE_MS,
  });
  judgements.onChange(() => writer.changed());
  control.onLeading((leading) => {
    if (leading) void writer.sync(); // a new leader writes at once, not at the next resync
  });
  return writer;
}
