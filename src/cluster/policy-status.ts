// NiFiTrustPolicy status, the I/O: while this replica leads, each judged policy's status (src/status) is
// written through the status subresource, conditional on the resourceVersion read (a 409 re-reads and
// recomputes), and only when more than times would change. Transitions get core/v1 Events: for a
// cluster-scoped object the API server takes them in namespace "default" only, where `kubectl describe
// ntp` finds them (by the object's uid). Runs on policy changes (debounced), on becoming leader, and
// every resync interval (facts such as a Secret's existence change without a policy event).
import type { Logger } from 'pino';
import { NO_FACTS, type ClusterFacts } from '../mutation/facts.js';
import type { PolicyJudgements } from '../policy/judgements.js';
import type { PolicySet } from '../policy/policy-set.js';
import { API_GROUP, API_VERSION, POLICY_KIND } from '../policy/types.js';
import { policyStatus, READY } from '../status/compute.js';
import { condition, readStatus, rfc3339, sameStatus, type PolicyStatus } from '../status/conditions.js';
import { statusEvents, type PlannedEvent } from '../status/events.js';
import { ApiError, type Api, errorLine, type Json, withoutManagedFields } from './api.js';
import { serialLoop } from './loop.js';
import { ChangeLog, backoff } from './once.js';

/** Where the API server accepts Events of cluster-scoped objects (core/v1 legacy validation). */
export const EVENT_NAMESPACE = 'default';
const EVENTS = `/api/v1/namespaces/${EVENT_NAMESPACE}/events`;
const POLICIES = `/apis/${API_GROUP}/v1alpha1/nifitrustpolicies`;
const COMPONENT = 'nifi-ca-guard';
/** Writes per policy per round at most, so a status that never "takes" cannot spin. */
const MAX_STEPS = 5;
/** Events remembered for counting repeats (an Event the API server expired is created anew). */
const MAX_REMEMBERED = 256;

export interface PolicyStatusOptions {
  api: Api;
  judgements: PolicyJudgements;
  /** The policies in force (the store's snapshot). */
  policies: () => PolicySet;
  /** What the informers know; NO_FACTS: TrustSecretsFound is left out. */
  facts?: () => ClusterFacts;
  /** The namespaces known to exist; undefined: not known. */
  namespaces?: () => readonly string[] | undefined;
  isLeader: () => boolean;
  /** This replica, as the Events' reportingInstance. */
  identity: string;
  logger: Logger;
  resyncMs: number;
  debounceMs: number;
  now?: () => Date;
}

export interface PolicyStatusWriter {
  /** Something changed (a policy event, leadership): a round after the debounce delay. */
  changed(): void;
  /** One round now (after any in flight); resolves when done. */
  sync(): Promise<void>;
  stop(): Promise<void>;
}

export function startPolicyStatus(o: PolicyStatusOptions): PolicyStatusWriter {
  const now = o.now ?? (() => new Date());
  const facts = o.facts ?? (() => NO_FACTS);
  const writeErrors = new ChangeLog(o.logger, 'writing NiFiTrustPolicy status');
  const eventErrors = new ChangeLog(o.logger, 'recording NiFiTrustPolicy events');
  const remembered = new Map<string, { name: string; count: number }>();

  const reconcile = async (name: string): Promise<void> => {
    const path = `${POLICIES}/${encodeURIComponent(name)}`;
    for (let step = 0; step < MAX_STEPS && o.isLeader(); step++) {
      const judgement = o.judgements.get(name);
      if (!judgement) return; // deleted meanwhile
      const obj = await o.api.get(path);
      if (!obj) return;
      const prev = readStatus(obj.status);
      const next = policyStatus({ name, judgement, policies: o.policies(), facts: facts(), namespaces: o.namespaces?.(), previous: prev, now: now() });
      if (sameStatus(prev, next)) return;
      let written: Json;
      try {
        written = await o.api.replace(`${path}/status`, { ...obj, metadata: withoutManagedFields(obj.metadata as Json), status: next });
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) continue; // changed since read: read again, compute again
        if (err instanceof ApiError && err.status === 404) return;
        throw err;
      }
      const ready = condition(next, READY);
      o.logger.info({ policy: name, ready: ready?.status, reason: ready?.reason, observedGeneration: next.observedGeneration ?? null }, 'policy status written');
      await record(written, prev, next);
      return;
    }
  };

  const record = async (obj: Json, prev: PolicyStatus | undefined, next: PolicyStatus): Promise<void> => {
    for (const e of statusEvents(prev, next)) {
      try {
        await emit(obj, e);
        eventErrors.ok();
      } catch (err) {
        // The status holds the same; an Event lost is not retried (it would repeat a transition later).
        eventErrors.failing(errorLine(err), { namespace: EVENT_NAMESPACE });
      }
    }
  };

  /** A repeat of the same Event on the same object counts up (as client-go's recorder does); else a new one. */
  const emit = async (obj: Json, e: PlannedEvent): Promise<void> => {
    const meta = obj.metadata as Json;
    const t = rfc3339(now());
    const key = `${String(meta.uid)}\0${e.type}\0${e.reason}\0${e.message}`;
    const seen = remembered.get(key);
    if (seen) {
      try {
        await o.api.jsonPatch(`${EVENTS}/${seen.name}`, [
          { op: 'test', path: '/count', value: seen.count },
          { op: 'replace', path: '/count', value: seen.count + 1 },
          { op: 'replace', path: '/lastTimestamp', value: t },
        ]);
        seen.count++;
        return;
      } catch (err) {
        if (!(err instanceof ApiError) || ![404, 409, 422].includes(err.status)) throw err;
        remembered.delete(key); // expired or changed by someone else: a new one
      }
    }
    const created = await o.api.create(EVENTS, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: `${String(meta.name)}.`, namespace: EVENT_NAMESPACE },
      involvedObject: { apiVersion: API_VERSION, kind: POLICY_KIND, name: meta.name, uid: meta.uid, resourceVersion: meta.resourceVersion },
      type: e.type,
      reason: e.reason,
      message: e.message,
      source: { component: COMPONENT },
      reportingComponent: COMPONENT,
      reportingInstance: o.identity.slice(0, 128),
      firstTimestamp: t,
      lastTimestamp: t,
      count: 1,
    });
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    remembered.set(key, { name: String((created.metadata as Json).name), count: 1 });
  };

  const round = async (): Promise<number> => {
    if (!o.isLeader()) return o.resyncMs;
    let failure: unknown;
    for (const name of o.judgements.names()) {
      try {
        await reconcile(name);
      } catch (err) {
        failure ??= err; // the others still get theirs
        writeErrors.failing(errorLine(err), { policy: name });
      }
    }
    if (failure !== undefined) throw failure;
    writeErrors.ok();
    return o.resyncMs;
  };

  const loop = serialLoop({ round, onError: (_err, failures) => backoff(Math.min(o.resyncMs, 1_000), failures, o.resyncMs) });

  void loop.kick();

  return {
    changed: () => loop.kickSoon(o.debounceMs),
    sync: loop.kick,
    stop: () => loop.stop(),
  };
}
