// Leader election over a Lease, the I/O: read, then create, renew or take over with a
// resourceVersion-conditional write. A lost race (409) means someone else holds it this round.
import type { Logger } from 'pino';
import { type Api, errorLine, isConflict, type Json, withoutManagedFields } from './api.js';
import { leaseRecord, planLease, releasedSpec, type LeaseRecord } from './lease-plan.js';
import { serialLoop } from './loop.js';
import { ChangeLog, backoff } from './once.js';

export interface LeaderOptions {
  api: Api;
  namespace: string;
  name: string;
  identity: string;
  durationMs: number;
  logger: Logger;
  /** Called when this replica starts or stops leading (e.g. to reconcile at once). */
  onChange?: (leading: boolean) => void;
  now?: () => Date;
}

export interface LeaderElection {
  /** True while this replica holds the Lease and renewed it within the renew deadline. */
  isLeader(): boolean;
  /** One round now (tests and start-up); resolves when it is done. */
  tick(): Promise<void>;
  /** Stops; a leader releases the Lease so a follower takes over without waiting for it to expire. */
  stop(): Promise<void>;
}

export function startLeaderElection(o: LeaderOptions): LeaderElection {
  const now = o.now ?? (() => new Date());
  const path = `/apis/coordination.k8s.io/v1/namespaces/${o.namespace}/leases/${o.name}`;
  const collection = `/apis/coordination.k8s.io/v1/namespaces/${o.namespace}/leases`;
  // client-go's proportions: lease 15 s, renew deadline 10 s, retry every 2 s.
  const renewDeadlineMs = (o.durationMs * 2) / 3;
  const retryMs = Math.max(100, Math.floor(o.durationMs / 6));
  const errors = new ChangeLog(o.logger, 'leader election');
  let leading = false;
  let renewedAt = 0;
  let observedVersion: string | undefined;
  let observedAt = now();
  let lastHolder: string | undefined;
  let last: Json | undefined;
  const setLeading = (value: boolean, fields: Record<string, unknown> = {}): void => {
    if (value === leading) return;
    leading = value;
    o.logger.info({ identity: o.identity, lease: o.name, ...fields }, value ? 'became leader' : 'stopped leading');
    o.onChange?.(value);
  };

  const round = async (): Promise<void> => {
    const t = now();
    const obj = await o.api.get(path);
    const rv = (obj?.metadata as Json | undefined)?.resourceVersion as string | undefined;
    if (rv !== observedVersion) {
      observedVersion = rv;
      observedAt = t;
    }
    last = obj;
    const record = leaseRecord(obj as { spec?: Record<string, unknown> } | undefined);
    const step = planLease(record, observedAt, o.identity, t, { durationMs: o.durationMs });
    if (step.kind === 'wait') {
      if (step.holder !== lastHolder) o.logger.info({ holder: step.holder, lease: o.name }, 'following the leader');
      lastHolder = step.holder;
      setLeading(false, { holder: step.holder });
      return;
    }
    try {
      const written =
        step.kind === 'create'
          ? await o.api.create(collection, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: o.name, namespace: o.namespace }, spec: step.spec })
          : await o.api.replace(path, { ...obj!, metadata: withoutManagedFields(obj!.metadata as Json), spec: { ...(obj!.spec as Json), ...step.spec } });
      observedVersion = (written.metadata as Json | undefined)?.resourceVersion as string | undefined;
      observedAt = t;
      renewedAt = t.getTime();
      lastHolder = o.identity;
      setLeading(true, step.kind === 'acquire' ? { previous: step.previous ?? null } : {});
    } catch (err) {
      if (!isConflict(err)) throw err;
      setLeading(false); // someone else wrote first: follow this round
    }
  };

  const loop = serialLoop({
    round: async () => {
      await round();
      errors.ok({ lease: o.name });
      return retryMs;
    },
    onError: (err, failures) => {
      errors.failing(errorLine(err), { lease: o.name });
      if (leading && now().getTime() - renewedAt >= renewDeadlineMs) setLeading(false, { reason: 'renew deadline passed' });
      return backoff(retryMs, failures, o.durationMs / 3);
    },
  });
  const tick = loop.kick;

  void tick();

  return {
    isLeader: () => leading && now().getTime() - renewedAt < renewDeadlineMs,
    tick,
    stop: async () => {
      await loop.stop();
      if (!leading || !last) return;
      leading = false;
      try {
        const fresh = await o.api.get(path);
        const record: LeaseRecord | undefined = leaseRecord(fresh as { spec?: Record<string, unknown> } | undefined);
        if (fresh && record?.holder === o.identity) {
          await o.api.replace(path, { ...fresh, metadata: withoutManagedFields(fresh.metadata as Json), spec: { ...(fresh.spec as Json), ...releasedSpec(record, now()) } });
          o.logger.info({ lease: o.name }, 'leader lease released');
        }
      } catch (err) {
        o.logger.warn({ lease: o.name, error: errorLine(err) }, 'could not release the leader lease; it expires on its own');
      }
    },
  };
}
