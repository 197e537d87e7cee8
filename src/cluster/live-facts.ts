// ClusterFacts from live metadata watches, following the policies in force. What is watched, and why
// no more: every Node (labels: the topology domains), the pods each policy's NiFi selectors select (one
// watch per distinct selector, server-side labelSelector: never every pod of the cluster), and, by name
// in every namespace, the Secrets NiFi pods will mount (trust bundle, password), metadata only.
// nifi-ca pods are not watched: no warning counts them.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { factsFrom, type ClusterFacts, type FactLists } from '../mutation/facts.js';
import { referencedSecrets } from '../mutation/missing-secrets.js';
import type { PolicySet } from '../policy/policy-set.js';
import type { Policy } from '../policy/types.js';
import { labelSelectorQuery } from './label-query.js';
import { MetadataWatch, type MetadataWatchOptions, type RawMeta } from './metadata-watch.js';

export interface LiveFactsOptions {
  kubeconfig: KubeConfig;
  /** The policies in force (a new snapshot object whenever they change). */
  policies: () => PolicySet;
  logger: Logger;
  /** How often the set of watches is brought in line with the policies (also at every facts() call). */
  followEveryMs?: number;
  /** Passed to every watch (tests shorten them). */
  watch?: Pick<MetadataWatchOptions, 'backoff' | 'pageSize' | 'watchSeconds'>;
}

export interface LiveFacts {
  /** What is known now; cheap when nothing changed since the last call. */
  facts(): ClusterFacts;
  /**
   * `cb` after a watched NiFi pod or trust Secret changed (not Nodes, which change all the time): what a
   * policy's status says of trust Secrets follows at once rather than at its next resync.
   */
  onChange(cb: () => void): void;
  /** Names of what is watched, for the log and tests: "nodes", "pods app=nifi", "Secrets named x". */
  watching(): string[];
  stop(): Promise<void>;
}

/** Pods being deleted no longer hold a place: the StatefulSet's replacement is the one under review. */
const deleting = (meta: RawMeta): boolean => meta.deletionTimestamp !== undefined;

/** The Secrets a policy's NiFi pods reference, by name. */
export function secretNames(policy: Policy): string[] {
  return referencedSecrets(policy.spec.trustBundle);
}

/** The label queries of every policy's NiFi selectors: one pod watch each. */
export function podQueries(set: PolicySet): Set<string> {
  return new Set([set.fallback, ...set.cluster].flatMap((p) => p.spec.nifi.selectors.map(labelSelectorQuery)));
}

export function startLiveFacts(opts: LiveFactsOptions): LiveFacts {
  const logger = opts.logger.child({ component: 'cluster-facts' });
  let generation = 0;
  const bump = (): void => {
    generation++;
  };
  const listeners: Array<() => void> = [];
  const bumpAndTell = (): void => {
    bump();
    for (const l of listeners) l();
  };
  const watch = (o: Pick<MetadataWatchOptions, 'path' | 'what' | 'labelSelector' | 'fieldSelector' | 'skip'>, onChange = bumpAndTell): MetadataWatch =>
    new MetadataWatch({ ...opts.watch, ...o, kubeconfig: opts.kubeconfig, logger, onChange });

  const nodes = watch({ path: '/api/v1/nodes', what: 'nodes' }, bump);
  const pods = new Map<string, MetadataWatch>();
  const secrets = new Map<string, MetadataWatch>();
  let followed: PolicySet | undefined;

  const reconcile = (current: Map<string, MetadataWatch>, wanted: Set<string>, make: (key: string) => MetadataWatch): void => {
    for (const [key, w] of current) {
      if (!wanted.has(key)) {
        w.stop();
        current.delete(key);
        bump();
      }
    }
    for (const key of wanted) {
      if (!current.has(key)) {
        current.set(key, make(key));
        bump();
      }
    }
  };

  const follow = (): void => {
    const set = opts.policies();
    if (set === followed) return;
    followed = set;
    reconcile(pods, podQueries(set), (q) => watch({ path: '/api/v1/pods', labelSelector: q, what: `pods ${q}`, skip: deleting }));
    const names = new Set([set.fallback, ...set.cluster].flatMap(secretNames));
    // A name in a field selector is what RBAC's resourceNames authorises for list and watch.
    reconcile(secrets, names, (n) => watch({ path: '/api/v1/secrets', fieldSelector: `metadata.name=${n}`, what: `Secrets named ${n}` }));
  };
  follow();
  const timer = setInterval(follow, opts.followEveryMs ?? 2000);
  timer.unref();

  let cached: { generation: number; facts: ClusterFacts } | undefined;
  const build = (): ClusterFacts => {
    const nodeMap = nodes.current();
    const podEntries = new Map<string, { namespace: string; labels: Readonly<Record<string, string>> }>();
    const syncedQueries = new Set<string>();
    for (const [q, w] of pods) {
      const m = w.current();
      if (!m) continue;
      syncedQueries.add(q);
      for (const [k, e] of m) podEntries.set(k, e); // a pod two selectors match is one pod
    }
    const present = new Set<string>();
    const namesKnown = new Set<string>();
    for (const [name, w] of secrets) {
      const m = w.current();
      if (!m) continue;
      namesKnown.add(name);
      for (const e of m.values()) present.add(`${e.namespace}/${e.name}`);
    }
    const lists: FactLists = {
      ...(nodeMap ? { nodes: [...nodeMap.values()].map((e) => e.labels) } : {}),
      pods: [...podEntries.values()],
      secrets: present,
      secretNamesKnown: namesKnown,
    };
    const base = factsFrom(lists);
    const domains = new Map<string, number | undefined>();
    return {
      topologyDomains: (key) => {
        if (!domains.has(key)) domains.set(key, base.topologyDomains(key));
        return domains.get(key);
      },
      // Counted only when every selector asked has a listed watch: a partial count would understate.
      podsMatching: (namespace, selectors) => (selectors.every((s) => syncedQueries.has(labelSelectorQuery(s))) ? base.podsMatching(namespace, selectors) : undefined),
      secretExists: base.secretExists,
    };
  };

  return {
    facts: () => {
      follow();
      if (cached?.generation !== generation) cached = { generation, facts: build() };
      return cached.facts;
    },
    onChange: (cb) => {
      listeners.push(cb);
    },
    watching: () => ['nodes', ...[...pods.keys()].map((q) => `pods ${q}`), ...[...secrets.keys()].map((n) => `Secrets named ${n}`)],
    stop: async () => {
      clearInterval(timer);
      const all = [nodes, ...pods.values(), ...secrets.values()];
      for (const w of all) w.stop();
      await Promise.all(all.map((w) => w.done));
    },
  };
}
