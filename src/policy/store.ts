import type { Policy } from './types.js';

/**
 * Holds the policy in force. A candidate replaces it only once fully validated, so a bad edit
 * never leaves the webhook without a policy: the last good one keeps serving.
 */
export class PolicyStore {
  private policy: Policy;
  private listeners: Array<(p: Policy) => void> = [];

  constructor(initial: Policy) {
    this.policy = initial;
  }

  current(): Policy {
    return this.policy;
  }

  /** Swaps in a validated policy. */
  set(policy: Policy): void {
    this.policy = policy;
    for (const l of this.listeners) l(policy);
  }

  onChange(listener: (p: Policy) => void): void {
    this.listeners.push(listener);
  }
}
