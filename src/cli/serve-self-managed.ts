// `serve --tls-mode self-managed`: the Lease election and the Secret sync, wired from the config.
// Loaded only in that mode: the Kubernetes client is not needed otherwise.
import { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { RuntimeConfig } from '../config.js';
import { kubeApi } from '../cluster/api.js';
import { startLeaderElection } from '../cluster/leader.js';
import { realMint } from '../cluster/tls-mint.js';
import { startSelfManagedTls } from '../cluster/tls-sync.js';
import { serviceDnsNames } from '../tls/names.js';
import type { TlsPair } from '../tls/pair.js';
import { CliError, oneLine } from './errors.js';

export async function startSelfManaged(config: RuntimeConfig, logger: Logger, onPair: (p: TlsPair) => void): Promise<{ stop(): Promise<void> }> {
  let api;
  try {
    const kc = new KubeConfig();
    kc.loadFromDefault(); // KUBECONFIG, ~/.kube/config, or the pod's service account
    api = kubeApi(kc, `nifi-ca-guard:${config.identity}`);
  } catch (err) {
    throw new CliError(`--tls-mode self-managed: cannot load a kubeconfig: ${oneLine(err)}`);
  }
  const log = logger.child({ component: 'tls' });
  log.info(
    { namespace: config.namespace, secret: config.tlsSecret, webhookConfiguration: config.webhookConfiguration, lease: config.lease, identity: config.identity },
    'self-managed TLS starting',
  );
  let tls: { sync(): Promise<void> } | undefined;
  const election = startLeaderElection({
    api,
    namespace: config.namespace,
    name: config.lease,
    identity: config.identity,
    durationMs: config.leaseDurationMs,
    logger: log,
    onChange: (leading) => {
      if (leading) void tls?.sync(); // a new leader reconciles at once, not at the next interval
    },
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
    isLeader: () => election.isLeader(),
    onPair,
    logger: log,
    mint: realMint,
  });
  tls = sync;
  return {
    stop: async () => {
      await sync.stop();
      await election.stop();
    },
  };
}
