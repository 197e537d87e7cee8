// Leader election over a coordination.k8s.io/v1 Lease, the pure part: given the Lease as last seen and
// when this replica first saw that version, what to do. As client-go does it, expiry is measured on the
// local clock from when the record was first observed, never from the holder's renewTime, so clock
// skew between nodes cannot make a live leader look expired.

export interface LeaseRecord {
  holder: string | undefined;
  durationSeconds: number | undefined;
  transitions: number;
  acquireTime: string | undefined;
}

export interface LeaseSpec {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: string;
  renewTime: string;
  leaseTransitions: number;
}

export type LeaseStep =
  | { kind: 'create'; spec: LeaseSpec }
  | { kind: 'renew'; spec: LeaseSpec }
  | { kind: 'acquire'; spec: LeaseSpec; previous: string | undefined }
  | { kind: 'wait'; holder: string; expiresAt: Date };

export interface LeaseTiming {
  /** How long a holder keeps the Lease without renewing it. */
  durationMs: number;
}

/** The API server's MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * `lease`: undefined when there is none. `observedAt`: when this replica first saw this version of it
 * (a changed resourceVersion resets it).
 */
export function planLease(lease: LeaseRecord | undefined, observedAt: Date, me: string, now: Date, timing: LeaseTiming): LeaseStep {
  const seconds = Math.max(1, Math.ceil(timing.durationMs / 1000));
  const spec = (acquireTime: string, transitions: number): LeaseSpec => ({
    holderIdentity: me,
    leaseDurationSeconds: seconds,
    acquireTime,
    renewTime: microTime(now),
    leaseTransitions: transitions,
  });
  if (!lease) return { kind: 'create', spec: spec(microTime(now), 0) };
  if (lease.holder === me) return { kind: 'renew', spec: spec(lease.acquireTime ?? microTime(now), lease.transitions) };
  const held = lease.holder !== undefined && lease.holder !== '';
  const expiresAt = new Date(observedAt.getTime() + (lease.durationSeconds ?? seconds) * 1000);
  if (held && now < expiresAt) return { kind: 'wait', holder: lease.holder!, expiresAt };
  return { kind: 'acquire', spec: spec(microTime(now), lease.transitions + 1), previous: held ? lease.holder : undefined };
}

/** What a leader writes when it steps down: no holder, so the next replica need not wait for expiry. */
export function releasedSpec(lease: LeaseRecord, now: Date): Omit<LeaseSpec, 'holderIdentity'> & { holderIdentity: null } {
  return { holderIdentity: null, leaseDurationSeconds: 1, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: lease.transitions };
}

/** The fields this election reads, from a Lease object as the API returns it. */
export function leaseRecord(obj: { spec?: Record<string, unknown> } | undefined): LeaseRecord | undefined {
  if (!obj) return undefined;
  const s = obj.spec ?? {};
  return {
    holder: typeof s.holderIdentity === 'string' ? s.holderIdentity : undefined,
    durationSeconds: typeof s.leaseDurationSeconds === 'number' && s.leaseDurationSeconds > 0 ? s.leaseDurationSeconds : undefined,
    transitions: typeof s.leaseTransitions === 'number' && s.leaseTransitions >= 0 ? s.leaseTransitions : 0,
    acquireTime: typeof s.acquireTime === 'string' ? s.acquireTime : undefined,
  };
}
