// The NiFiTrustPolicy status as the API stores it (docs/status shape agreed with the CRD's schema): each
// condition a metav1.Condition. lastTransitionTime follows the Kubernetes convention: it changes only
// when the condition's status does.
import { isJson } from '../json.js';

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

export interface PolicyStatus {
  observedGeneration?: number;
  inForceGeneration?: number;
  conditions: Condition[];
}

/** metav1.Condition's message limit. */
export const MAX_MESSAGE = 32768;

/** RFC 3339 to the second, as metav1.Time is written. */
export function rfc3339(t: Date): string {
  return t.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A stored status read defensively (anyone with access may have written it): what of it has our shape. */
export function readStatus(stored: unknown): PolicyStatus | undefined {
  if (!isJson(stored)) return undefined;
  const out: PolicyStatus = { conditions: [] };
  if (isGeneration(stored.observedGeneration)) out.observedGeneration = stored.observedGeneration;
  if (isGeneration(stored.inForceGeneration)) out.inForceGeneration = stored.inForceGeneration;
  for (const c of Array.isArray(stored.conditions) ? stored.conditions : []) {
    if (!isJson(c) || typeof c.type !== 'string' || !['True', 'False', 'Unknown'].includes(c.status as string)) continue;
    out.conditions.push({
      type: c.type,
      status: c.status as ConditionStatus,
      reason: typeof c.reason === 'string' ? c.reason : '',
      message: typeof c.message === 'string' ? c.message : '',
      ...(isGeneration(c.observedGeneration) ? { observedGeneration: c.observedGeneration } : {}),
      lastTransitionTime: typeof c.lastTransitionTime === 'string' ? c.lastTransitionTime : '',
    });
  }
  return out;
}

/** Each new condition keeps the previous one's lastTransitionTime when its status did not change. */
export function carryTransitionTimes(next: PolicyStatus, prev: PolicyStatus | undefined): PolicyStatus {
  return {
    ...next,
    conditions: next.conditions.map((c) => {
      const before = prev?.conditions.find((p) => p.type === c.type);
      return before && before.status === c.status && before.lastTransitionTime !== '' ? { ...c, lastTransitionTime: before.lastTransitionTime } : c;
    }),
  };
}

/** Equal but for the times: nothing worth a write. */
export function sameStatus(a: PolicyStatus | undefined, b: PolicyStatus | undefined): boolean {
  // In a fixed order: key order is not meaning.
  const strip = (s: PolicyStatus | undefined) =>
    s ? JSON.stringify([s.observedGeneration ?? null, s.inForceGeneration ?? null, s.conditions.map((c) => [c.type, c.status, c.reason, c.message, c.observedGeneration ?? null])]) : '';
  return strip(a) === strip(b);
}

export function condition(s: PolicyStatus | undefined, type: string): Condition | undefined {
  return s?.conditions.find((c) => c.type === type);
}

/** A message within the limit, cut at a "; " boundary where one is near, saying how much was left out. */
export function capMessage(message: string, max = MAX_MESSAGE): string {
  if (message.length <= max) return message;
  const room = max - 40;
  const cut = message.lastIndexOf('; ', room);
  const kept = message.slice(0, cut > room / 2 ? cut : room);
  return `${kept}; ... (${message.length - kept.length} more characters)`;
}

function isGeneration(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}
