// The Events a status change deserves, for `kubectl describe ntp`: Ready turning True, Ready turning (or
// staying, with another reason or message) False, a trust Secret found missing and found again. Derived
// from the stored status and the next one, so a new leader, which reads the stored status, repeats none.
import { condition, type PolicyStatus } from './conditions.js';
import { READY, TRUST_SECRETS_FOUND } from './compute.js';

export interface PlannedEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** Event messages stay short: the condition holds the whole text. */
const MAX_EVENT_MESSAGE = 1024;

export function statusEvents(prev: PolicyStatus | undefined, next: PolicyStatus): PlannedEvent[] {
  const out: PlannedEvent[] = [];
  const [pr, nr] = [condition(prev, READY), condition(next, READY)];
  if (nr?.status === 'True' && pr?.status !== 'True') out.push(event('Normal', nr.reason, nr.message));
  if (nr?.status === 'False' && (pr?.status !== 'False' || pr.reason !== nr.reason || pr.message !== nr.message)) out.push(event('Warning', nr.reason, nr.message));
  const [pt, nt] = [condition(prev, TRUST_SECRETS_FOUND), condition(next, TRUST_SECRETS_FOUND)];
  if (nt?.status === 'False' && (pt?.status !== 'False' || pt.message !== nt.message)) out.push(event('Warning', nt.reason, nt.message));
  if (nt?.status === 'True' && pt?.status === 'False') out.push(event('Normal', nt.reason, nt.message));
  return out;
}

function event(type: PlannedEvent['type'], reason: string, message: string): PlannedEvent {
  return { type, reason, message: message.length <= MAX_EVENT_MESSAGE ? message : `${message.slice(0, MAX_EVENT_MESSAGE - 3)}...` };
}
