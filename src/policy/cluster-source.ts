import { CustomObjectsApi, KubeConfig, makeInformer, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { applyClusterEvent, type ClusterEvent, type EventOutcome } from './cluster-events.js';
import type { PolicyStore } from './store.js';
import { API_GROUP } from './types.js';

const VERSION = 'v1alpha1';
const PLURAL = 'nifitrustpolicies';
const RETRY_MS = 5_000;

export interface ClusterPolicyWatch {
  stop(): Promise<void>;
}

/**
 * Lists and watches cluster-scoped NiFiTrustPolicy objects into the store. `onSynced` runs after
 * the first complete list, so readiness can wait for it. Watch errors restart the informer.
 */
export function watchClusterPolicies(store: PolicyStore, logger: Logger, onSynced: () => void, kubeconfig?: KubeConfig): ClusterPolicyWatch {
  const kc = kubeconfig ?? defaultKubeConfig();
  const api = kc.makeApiClient(CustomObjectsApi);
  const list = (): Promise<KubernetesListObject<KubernetesObject>> =>
    api.listClusterCustomObject({ group: API_GROUP, version: VERSION, plural: PLURAL }) as Promise<KubernetesListObject<KubernetesObject>>;
  const informer = makeInformer(kc, `/apis/${API_GROUP}/${VERSION}/${PLURAL}`, list);
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;

  const handle = (event: ClusterEvent) => (obj: KubernetesObject) => log(logger, applyClusterEvent(store, event, obj), obj.metadata?.resourceVersion);
  informer.on('add', handle('add'));
  informer.on('update', handle('update'));
  informer.on('delete', handle('delete'));
  informer.on('error', (err: unknown) => {
    if (stopped) return;
    logger.warn({ error: errorText(err), retryInMs: RETRY_MS }, 'policy watch failed; policies in force are kept');
    retry = setTimeout(() => void start(), RETRY_MS);
    retry.unref();
  });

  const start = async (): Promise<void> => {
    try {
      await informer.start();
      onSynced();
    } catch (err) {
      if (stopped) return;
      logger.warn({ error: errorText(err), retryInMs: RETRY_MS }, 'cannot list NiFiTrustPolicy objects; retrying');
      retry = setTimeout(() => void start(), RETRY_MS);
      retry.unref();
    }
  };
  void start();

  return {
    stop: async () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      await informer.stop();
    },
  };
}

function defaultKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault(); // KUBECONFIG, ~/.kube/config, or the in-cluster service account
  return kc;
}

function log(logger: Logger, o: EventOutcome, resourceVersion: string | undefined): void {
  switch (o.result) {
    case 'in-force':
      logger.info({ policy: o.policy, resourceVersion }, 'cluster policy in force');
      break;
    case 'removed':
      logger.info({ policy: o.policy }, 'cluster policy removed');
      break;
    case 'rejected':
      logger.warn(
        { policy: o.policy, resourceVersion, issues: o.issues },
        o.keeping ? 'cluster policy rejected; keeping its last good version' : 'cluster policy rejected; not in force',
      );
      break;
    case 'ignored':
      logger.warn({ why: o.why }, 'cluster policy event ignored');
      break;
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0]!;
  return String(err).split('\n')[0]!;
}
