import { CustomObjectsApi, KubeConfig, makeInformer, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { applyClusterEvent, type ClusterEvent, type EventOutcome } from './cluster-events.js';
import { logRejectedPolicy } from './log-issues.js';
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
 * the first complete list (never after a refused one), so readiness can wait for it. List and watch
 * errors restart the informer after `retryMs`.
 */
export function watchClusterPolicies(
  store: PolicyStore,
  logger: Logger,
  onSynced: () => void,
  kubeconfig?: KubeConfig,
  retryMs: number = RETRY_MS,
): ClusterPolicyWatch {
  const kc = kubeconfig ?? defaultKubeConfig();
  const api = kc.makeApiClient(CustomObjectsApi);
  // The informer reports a failed list (e.g. 403: no RBAC) as an 'error' event and its start()
  // still resolves, so whether the list went through is tracked here: only a completed list syncs.
  let listed = false;
  const list = async (): Promise<KubernetesListObject<KubernetesObject>> => {
    listed = false;
    const got = (await api.listClusterCustomObject({ group: API_GROUP, version: VERSION, plural: PLURAL })) as KubernetesListObject<KubernetesObject>;
    listed = true;
    return got;
  };
  const informer = makeInformer(kc, `/apis/${API_GROUP}/${VERSION}/${PLURAL}`, list);
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;

  const handle = (event: ClusterEvent) => (obj: KubernetesObject) => log(logger, applyClusterEvent(store, event, obj), obj.metadata?.resourceVersion);
  informer.on('add', handle('add'));
  informer.on('update', handle('update'));
  informer.on('delete', handle('delete'));
  informer.on('error', (err: unknown) => {
    if (stopped) return;
    const msg = listed ? 'policy watch failed; policies in force are kept' : 'cannot list NiFiTrustPolicy objects; retrying';
    logger.warn({ error: errorText(err), retryInMs: retryMs }, msg);
    retry = setTimeout(() => void start(), retryMs);
    retry.unref();
  });

  const start = async (): Promise<void> => {
    try {
      await informer.start();
      if (listed) onSynced(); // otherwise the 'error' handler above has logged it and scheduled a retry
    } catch (err) {
      if (stopped) return;
      logger.warn({ error: errorText(err), retryInMs: retryMs }, 'cannot list NiFiTrustPolicy objects; retrying');
      retry = setTimeout(() => void start(), retryMs);
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
      logRejectedPolicy(
        logger,
        { policy: o.policy, resourceVersion },
        o.issues,
        o.keeping ? 'cluster policy rejected; keeping its last good version' : 'cluster policy rejected; not in force',
      );
      break;
    case 'ignored':
      logger.warn({ why: o.why }, 'cluster policy event ignored');
      break;
  }
}

/**
 * One line for the log. An API error carries the API server's Status, whose message says what was
 * refused and to whom (`HTTP 403: nifitrustpolicies.nifi-ca-guard.io is forbidden: User "..." cannot
 * list ...`); the client's own message would be just `HTTP-Code: 403`.
 */
function errorText(err: unknown): string {
  const status = apiStatusText(err);
  if (status) return status;
  if (err instanceof Error) return err.message.split('\n')[0]!;
  return String(err).split('\n')[0]!;
}

function apiStatusText(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, body } = err as { code?: unknown; body?: unknown };
  if (typeof code !== 'number') return undefined;
  let status: unknown = body;
  if (typeof status === 'string') {
    try {
      status = JSON.parse(status);
    } catch {
      return undefined;
    }
  }
  const message = typeof status === 'object' && status !== null ? (status as { message?: unknown }).message : undefined;
  return typeof message === 'string' && message !== '' ? `HTTP ${code}: ${message.split('\n')[0]!}` : undefined;
}
