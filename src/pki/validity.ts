// The one validity rule for every certificate this project issues.

/** Clock skew between nodes (or with the API server) must not make a fresh certificate "not yet valid". */
export const BACKDATE_MS = 60 * 60 * 1000;

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

/**
 * notBefore backdated from `now`, notAfter `lifetimeMs` after it, both in whole seconds: X.509 times
 * have one-second resolution, so what is stored is what was planned.
 */
export function validity(now: Date, lifetimeMs: number, backdateMs: number = BACKDATE_MS): Validity {
  if (!Number.isSafeInteger(lifetimeMs) || lifetimeMs < 1000) throw new RangeError('validity: must be at least one second');
  if (!Number.isSafeInteger(backdateMs) || backdateMs < 0) throw new RangeError('backdate: must be a non-negative number of milliseconds');
  const seconds = (ms: number): Date => new Date(Math.floor(ms / 1000) * 1000);
  return { notBefore: seconds(now.getTime() - backdateMs), notAfter: seconds(now.getTime() + lifetimeMs) };
}
