import type { EventOutcome } from './cluster-events.js';

/** What the webhook last made of one NiFiTrustPolicy object: the input of its status. */
export interface Judgement {
  /** metadata.generation of the object last judged (absent: the object carried none). */
  readonly observedGeneration?: number;
  /** The validator's issues ("field.path: problem"); empty when that generation was taken into force. */
  readonly issues: readonly string[];
  /** The generation whose spec is in force; absent: no version was valid since this webhook started. */
  readonly inForceGeneration?: number;
}

/** The record after one watch outcome; undefined when the policy is gone (or the outcome says nothing). */
export function nextJudgement(prev: Judgement | undefined, o: EventOutcome): Judgement | undefined {
  switch (o.result) {
    case 'in-force':
      return o.generation === undefined ? { issues: [] } : { observedGeneration: o.generation, issues: [], inForceGeneration: o.generation };
    case 'rejected': {
      // The store kept its last good version: the generation of that version stays the one in force.
      const kept = o.keeping ? prev?.inForceGeneration : undefined;
      return { ...(o.generation === undefined ? {} : { observedGeneration: o.generation }), issues: [...o.issues], ...(kept === undefined ? {} : { inForceGeneration: kept }) };
    }
    case 'removed':
      return undefined;
    case 'ignored':
      return prev;
  }
}

/**
 * Per cluster policy name, what the webhook last judged. Every replica keeps it (every replica watches),
 * so a replica that becomes leader can write statuses at once. Listeners hear of every change.
 */
export class PolicyJudgements {
  readonly #byName = new Map<string, Judgement>();
  readonly #listeners: Array<(policy: string) => void> = [];

  record(o: EventOutcome): void {
    if (o.result === 'ignored') return;
    const next = nextJudgement(this.#byName.get(o.policy), o);
    if (next) this.#byName.set(o.policy, next);
    else this.#byName.delete(o.policy);
    for (const l of this.#listeners) l(o.policy);
  }

  get(policy: string): Judgement | undefined {
    return this.#byName.get(policy);
  }

  /** Names of the judged policies, sorted. */
  names(): string[] {
    return [...this.#byName.keys()].sort();
  }

  onChange(listener: (policy: string) => void): void {
    this.#listeners.push(listener);
  }
}
