import { CustomObjectsApi, KubeConfig, makeInformer, type Informer, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
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

/** How the watch is doing, for readiness: a watch that keeps failing serves an ever older snapshot. */
export interface WatchHealth {
  /** A list or watch failed; called on every failure until it recovers. */
  failing(reason: string): void;
  /** A list completed and its watch is open. */
  healthy(): void;
}

/**
 * Lists and watches cluster-scoped NiFiTrustPolicy objects into the store. `onJudged` hears what each
 * object was judged (in force, refused with its issues, removed), for its status. `onSynced` runs after
 * the first complete list (never after a refused one), so readiness can wait for it. After any list or
 * watch error a fresh informer lists again after `retryMs`: restarting the same one would resume the
 * watch from its last resourceVersion without listing, and a watch that is always refused (RBAC with
 * list but not watch) would then keep the first snapshot forever.
 */
export function watchClusterPolicies(
  store: PolicyStore,
  logger: Logger,
  onSynced: () => void,
  kubeconfig?: KubeConfig,
  retryMs: number = RETRY_MS,
  health?: WatchHealth,
  onJudged?: (outcome: EventOutcome) => void,
): ClusterPolicyWatch {
  const kc = kubeconfig ?? defaultKubeConfig();
  const api = kc.makeApiClient(CustomObjectsApi);
  let stopped = false;
  let synced = false;
  let retry: NodeJS.Timeout | undefined;
  let informer: Informer<KubernetesObject> | undefined;

  const apply = (event: ClusterEvent, obj: unknown, resourceVersion: string | undefined): void => {
    const outcome = applyClusterEvent(store, event, obj);
    log(logger, outcome, resourceVersion);
    onJudged?.(outcome);
  };
  const handle = (event: ClusterEvent) => (obj: KubernetesObject) => apply(event, obj, obj.metadata?.resourceVersion);

  const start = async (): Promise<void> => {
    // The informer reports a failed list (e.g. 403: no RBAC) as an 'error' event and its start()
    // still resolves, so whether the list went through is tracked here: only a completed list syncs.
    let listed = false;
    let failed = false;
    const list = async (): Promise<KubernetesListObject<KubernetesObject>> => {
      const got = (await api.listClusterCustomObject({ group: API_GROUP, version: VERSION, plural: PLURAL })) as KubernetesListObject<KubernetesObject>;
      // A fresh informer knows nothing of what it replaced: policies deleted meanwhile go here.
      const names = new Set(got.items.map((o) => o.metadata?.name));
      for (const p of store.snapshot().cluster) if (!names.has(p.name)) apply('delete', { metadata: { name: p.name } }, got.metadata?.resourceVersion);
      listed = true;
      return got;
    };
    const current = makeInformer(kc, `/apis/${API_GROUP}/${VERSION}/${PLURAL}`, list);
    informer = current;
    current.on('add', handle('add'));
    current.on('update', handle('update'));
    current.on('delete', handle('delete'));
    const fail = (err: unknown): void => {
      if (stopped || current !== informer || failed) return;
      failed = true;
      const msg = listed ? 'policy watch failed; policies in force are kept' : 'cannot list NiFiTrustPolicy objects; retrying';
      const reason = errorText(err);
      logger.warn({ error: reason, retryInMs: retryMs }, msg);
      health?.failing(listed ? `watch failed: ${reason}` : `list failed: ${reason}`);
      void current.stop();
      retry = setTimeout(() => void start(), retryMs);
      retry.unref();
    };
    current.on('error', fail);
    try {
      await current.start();
    } catch (err) {
      fail(err);
    }
    if (stopped || current !== informer) return;
    if (listed && !synced) {
      synced = true;
      onSynced();
    }
    if (listed && !failed) health?.healthy();
  };
  void start();

  return {
    stop: async () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      await informer?.stop();
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
  // The watch reports a refusal as an Error of the status text alone, with the code beside it.
  const statusCode = (err as { statusCode?: unknown } | null)?.statusCode;
  if (err instanceof Error && typeof statusCode === 'number') return `HTTP ${statusCode}: ${err.message.split('\n')[0]!}`;
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
