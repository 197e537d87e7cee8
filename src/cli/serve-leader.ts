// The one Lease election of a `serve` replica, shared by everything only one replica should write: the
// self-managed TLS Secret and caBundles, NiFiTrustPolicy status and Events, and the webhook configuration's
// selectors. Started when the replica talks to the cluster at all (--tls-mode self-managed or
// --watch-policies); loaded only then, as the Kubernetes client is not needed otherwise.
import { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { RuntimeConfig } from '../config.js';
import { kubeApi, type Api } from '../cluster/api.js';
import { startLeaderElection, type LeaderElection } from '../cluster/leader.js';
import { CliError, oneLine } from './errors.js';

export interface ClusterControl {
  /** JSON API client on the replica's credentials; writes carry the field manager `nifi-ca-guard:<identity>`. */
  api: Api;
  /** The kubeconfig the client was made from (informers need it). */
  kubeconfig: KubeConfig;
  /** True while this replica leads; a controller checks it before every write. */
  isLeader(): boolean;
  /** `cb(true)` when this replica starts leading (reconcile at once), `cb(false)` when it stops. */
  onLeading(cb: (leading: boolean) => void): void;
  election: LeaderElection;
  /** Stops the election (a leader releases the Lease). Stop the controllers first. */
  stop(): Promise<void>;
}

/** `why`: the flag that needs the cluster, for the one-line error when no kubeconfig loads. */
export function startClusterControl(config: RuntimeConfig, logger: Logger, why: string): ClusterControl {
  let kubeconfig: KubeConfig;
  let api: Api;
  try {
    kubeconfig = new KubeConfig();
    kubeconfig.loadFromDefault(); // KUBECONFIG, ~/.kube/config, or the pod's service account
    api = kubeApi(kubeconfig, `nifi-ca-guard:${config.identity}`);
  } catch (err) {
    throw new CliError(`${why}: cannot load a kubeconfig: ${oneLine(err)}`);
  }
  const listeners: Array<(leading: boolean) => void> = [];
  const election = startLeaderElection({
    api,
    namespace: config.namespace,
    name: config.lease,
    identity: config.identity,
    durationMs: config.leaseDurationMs,
    logger: logger.child({ component: 'leader' }),
    onChange: (leading) => {
      for (const l of listeners) l(leading);
    },
  });
  return {
    api,
    kubeconfig,
    isLeader: () => election.isLeader(),
    onLeading: (cb) => {
      listeners.push(cb);
    },
    election,
    stop: () => election.stop(),
  };
}
