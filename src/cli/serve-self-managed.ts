// `serve --tls-mode self-managed`: the Secret sync, wired from the config, written by the replica that
// leads (serve-leader.ts). Loaded only in that mode.
import type { Logger } from 'pino';
import type { RuntimeConfig } from '../config.js';
import { realMint } from '../cluster/tls-mint.js';
import { startSelfManagedTls } from '../cluster/tls-sync.js';
import { serviceDnsNames } from '../tls/names.js';
import type { TlsPair } from '../tls/pair.js';
import type { ClusterControl } from './serve-leader.js';

export async function startSelfManaged(config: RuntimeConfig, logger: Logger, control: ClusterControl, onPair: (p: TlsPair) => void): Promise<{ stop(): Promise<void> }> {
  const { api } = control;
  const log = logger.child({ component: 'tls' });
  log.info(
    { namespace: config.namespace, secret: config.tlsSecret, webhookConfiguration: config.webhookConfiguration, lease: config.lease, identity: config.identity },
    'self-managed TLS starting',
  );
  let tls: { sync(): Promise<void> } | undefined;
  control.onLeading((leading) => {
    if (leading) void tls?.sync(); // a new leader reconciles at once, not at the next interval
  });
  const sync = startSelfManagedTls({
    api,
    namespace: config.namespace,
    secretName: config.tlsSecret,
    webhookConfiguration: config.webhookConfiguration,
    dnsNames: serviceDnsNames(config.service, config.namespace),
    timing: {
      caValidityMs: config.tlsCaValidityMs,
      certValidityMs: config.tlsCertValidityMs,
      caRenewBeforeMs: config.tlsCaRenewBeforeMs,
      certRenewBeforeMs: config.tlsCertRenewBeforeMs,
      rolloutDelayMs: config.tlsRolloutDelayMs,
    },
    syncIntervalMs: config.tlsSyncIntervalMs,
    isLeader: control.isLeader,
    onPair,
    logger: log,
    mint: realMint,
  });
  tls = sync;
  return {
    stop: () => sync.stop(),
  };
}
