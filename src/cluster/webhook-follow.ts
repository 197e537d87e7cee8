// The webhook configuration follows the policies, the I/O around webhook-plan.ts. While this replica
// leads, on a policy change (debounced), on becoming leader and every interval: read the configuration,
// plan, and write the entries with a JSON patch whose `test` pins the resourceVersion (a 409/422 re-reads
// and plans again). Self-managed TLS patches the same object's caBundles the same way (tls-sync.ts), so
// the two writers never overwrite each other: each writes on the version it read, and a new entry
// carries the caBundle of the entry it was copied from.
import type { Logger } from 'pino';
import type { PolicySet } from '../policy/policy-set.js';
import { type Api, errorLine, isConflict, type Json } from './api.js';
import { serialLoop } from './loop.js';
import { ChangeLog, backoff } from './once.js';
import { planWebhooks } from './webhook-plan.js';

export interface WebhookFollowOptions {
  api: Api;
  /** The MutatingWebhookConfiguration's name. */
  webhookConfiguration: string;
  /** The webhook's own namespace (never sent to it). */
  namespace: string;
  policies: () => PolicySet;
  /** False until the first complete list of cluster policies: a partial set would drop their entries. */
  synced: () => boolean;
  isLeader: () => boolean;
  intervalMs: number;
  /** Policy changes within this long are one write. */
  debounceMs?: number;
  logger: Logger;
}

export interface WebhookFollow {
  /** The policies changed: a round after the debounce. */
  changed(): void;
  /** One round now (after any in flight); resolves when done. */
  sync(): Promise<void>;
  stop(): Promise<void>;
}

/** Writes per round at most this often, so a write that never "takes" cannot spin. */
const MAX_STEPS = 6;
const DEFAULT_DEBOUNCE_MS = 1_000;

export function startWebhookFollow(o: WebhookFollowOptions): WebhookFollow {
  const path = `/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/${o.webhookConfiguration}`;
  const errors = new ChangeLog(o.logger, 'keeping the webhook configuration in step with the policies');
  let lastProblems = '';
  let namespaceNames: boolean | undefined;

  /** Whether namespaces carry their name as a label (1.21+); asked once, until it answers. */
  const labelsNamespaces = async (): Promise<boolean> => {
    if (namespaceNames === undefined) {
      const v = await o.api.get('/version');
      const minor = Number.parseInt(String(v?.minor ?? ''), 10);
      const major = Number.parseInt(String(v?.major ?? ''), 10);
      namespaceNames = major > 1 || (major === 1 && minor >= 21);
      if (!namespaceNames) o.logger.info({ version: v?.gitVersion ?? null }, 'namespaces are not labelled with their name before Kubernetes 1.21: webhook entries are not narrowed to namespaces');
    }
    return namespaceNames;
  };

  const round = async (): Promise<void> => {
    if (!o.isLeader() || !o.synced()) return;
    const names = await labelsNamespaces();
    let wrote = false;
    for (let step = 0; step < MAX_STEPS && o.isLeader(); step++) {
      const mwc = await o.api.get(path);
      const problems = mwc ? undefined : `webhook configuration ${o.webhookConfiguration} not found`;
      const plan = mwc
        ? planWebhooks({ live: Array.isArray(mwc.webhooks) ? (mwc.webhooks as Json[]) : [], policies: o.policies(), namespace: o.namespace, namespaceNames: names })
        : undefined;
      const text = problems ?? plan!.problems.join('; ');
      if (text !== lastProblems) {
        if (text) o.logger.warn({ webhookConfiguration: o.webhookConfiguration, problems: text }, 'webhook configuration cannot follow the policies');
        lastProblems = text;
      }
      if (!plan?.write) return;
      if (wrote) {
        // What was written reads back otherwise (the API server rewrote it): writing again would flap.
        o.logger.warn({ webhookConfiguration: o.webhookConfiguration, changed: plan.changed }, 'webhook configuration reads back other than written; not writing again this round');
        return;
      }
      const version = (mwc!.metadata as Json | undefined)?.resourceVersion;
      try {
        await o.api.jsonPatch(path, [
          { op: 'test', path: '/metadata/resourceVersion', value: version },
          { op: 'replace', path: '/webhooks', value: plan.webhooks },
        ]);
      } catch (err) {
        if (!isConflict(err)) throw err;
        continue; // changed under us (a caBundle, an install): read again
      }
      wrote = true;
      o.logger.info(
        { webhookConfiguration: o.webhookConfiguration, added: plan.added, removed: plan.removed, changed: plan.changed, webhooks: plan.webhooks.map((w) => w.name) },
        'webhook configuration follows the policies',
      );
    }
  };

  const loop = serialLoop({
    round: async () => {
      try {
        await round();
        errors.ok({ webhookConfiguration: o.webhookConfiguration });
      } catch (err) {
        errors.failing(errorLine(err), { webhookConfiguration: o.webhookConfiguration });
        throw err;
      }
      return o.intervalMs;
    },
    onError: (_err, failures) => backoff(Math.min(o.intervalMs, 5_000), failures, o.intervalMs),
  });

  void loop.kick();

  return {
    changed: () => loop.kickSoon(o.debounceMs ?? DEFAULT_DEBOUNCE_MS),
    sync: loop.kick,
    stop: () => loop.stop(),
  };
}
