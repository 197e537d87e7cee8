import type { PolicySet } from './policy-set.js';
import type { Policy } from './types.js';
import type { PolicyDefaults } from './validate.js';

/**
 * Holds the policies in force: the fallback (file or built-in) and the cluster's NiFiTrustPolicy
 * objects by name. A candidate replaces a policy only once fully validated, so a bad edit never
 * leaves the webhook without one: the last good version keeps serving.
 */
export class PolicyStore {
  private fallback: Policy;
  private readonly cluster = new Map<string, Policy>();
  private snap: PolicySet;
  private readonly listeners: Array<() => void> = [];

  /**
   * `defaults`: what the webhook fills into every policy it validates later (file edits, cluster
   * objects), so a reloaded policy gets the same init image as the first one.
   */
  constructor(
    initial: Policy,
    readonly defaults: PolicyDefaults = {},
  ) {
    this.fallback = initial;
    this.snap = this.build();
  }

  /** The fallback policy (file or built-in). */
  current(): Policy {
    return this.fallback;
  }

  /** Every policy in force, as one immutable snapshot for a review. */
  snapshot(): PolicySet {
    return this.snap;
  }

  set(policy: Policy): void {
    this.fallback = policy;
    this.changed();
  }

  setCluster(policy: Policy): void {
    this.cluster.set(policy.name, policy);
    this.changed();
  }

  deleteCluster(name: string): void {
    if (this.cluster.delete(name)) this.changed();
  }

  /** `cb` runs after every change of the policies in force (e.g. the webhook configuration follows them). */
  subscribe(cb: () => void): void {
    this.listeners.push(cb);
  }

  clusterPolicy(name: string): Policy | undefined {
    return this.cluster.get(name);
  }

  private build(): PolicySet {
    const cluster = [...this.cluster.values()].sort((a, b) => a.name.localeCompare(b.name));
    return Object.freeze({ fallback: this.fallback, cluster: Object.freeze(cluster) });
  }

  private changed(): void {
    this.snap = this.build();
    for (const l of this.listeners) l();
  }
}
