import { expect } from 'chai';
import { leaseRecord, microTime, planLease, releasedSpec, type LeaseRecord } from '../../../src/cluster/lease-plan.js';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);
const TIMING = { durationMs: 15_000 };
const held = (holder: string | undefined, more: Partial<LeaseRecord> = {}): LeaseRecord => ({ holder, durationSeconds: 15, transitions: 3, acquireTime: microTime(T0), ...more });

describe('cluster/lease-plan: leader election over a Lease (pinned clock)', () => {
  const cases: Array<{ name: string; lease: LeaseRecord | undefined; observedAt: Date; now: Date; want: Record<string, unknown> }> = [
    { name: 'no Lease: create it, holding it', lease: undefined, observedAt: T0, now: T0, want: { kind: 'create', holderIdentity: 'me', leaseTransitions: 0 } },
    { name: 'held by me: renew, keeping acquireTime and transitions', lease: held('me'), observedAt: T0, now: at(5_000), want: { kind: 'renew', holderIdentity: 'me', leaseTransitions: 3, acquireTime: microTime(T0) } },
    { name: 'held by another, seen changing 14.999 s ago: wait', lease: held('other'), observedAt: T0, now: at(14_999), want: { kind: 'wait', holder: 'other' } },
    { name: 'held by another, unchanged for its whole duration: take over (one more transition)', lease: held('other'), observedAt: T0, now: at(15_000), want: { kind: 'acquire', holderIdentity: 'me', leaseTransitions: 4, previous: 'other' } },
    { name: 'the holder\'s own (longer) duration counts, not mine', lease: held('other', { durationSeconds: 60 }), observedAt: T0, now: at(59_000), want: { kind: 'wait', holder: 'other' } },
    { name: 'released (no holder): take it at once', lease: held(''), observedAt: T0, now: T0, want: { kind: 'acquire', holderIdentity: 'me', leaseTransitions: 4, previous: undefined } },
    { name: 'no holder field at all: take it at once', lease: held(undefined), observedAt: T0, now: T0, want: { kind: 'acquire', holderIdentity: 'me' } },
    { name: 'no duration in the Lease: mine applies', lease: held('other', { durationSeconds: undefined }), observedAt: T0, now: at(15_000), want: { kind: 'acquire' } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const step = planLease(c.lease, c.observedAt, 'me', c.now, TIMING);
      const flat = { kind: step.kind, ...('spec' in step ? step.spec : {}), ...('holder' in step ? { holder: step.holder } : {}), ...('previous' in step ? { previous: step.previous } : {}) };
      expect(flat).to.include(c.want);
      if ('spec' in step) {
        expect(step.spec.renewTime).to.equal(microTime(c.now));
        expect(step.spec.leaseDurationSeconds).to.equal(15);
      }
    });
  }

  it('measures expiry from when this replica saw the record change, not from the holder\'s clock', () => {
    // A holder whose clock runs an hour behind writes renewTimes in the past; while its record keeps
    // changing (observedAt moves), it is never taken over.
    const step = planLease(held('other'), at(60_000), 'me', at(70_000), TIMING);
    expect(step.kind).to.equal('wait');
    if (step.kind === 'wait') expect(step.expiresAt.toISOString()).to.equal(at(75_000).toISOString());
  });

  it('MicroTime has six fractional digits, as the API server parses it', () => {
    expect(microTime(new Date('2026-03-01T12:00:00.123Z'))).to.equal('2026-03-01T12:00:00.123000Z');
  });

  it('a released Lease names no holder and expires at once', () => {
    expect(releasedSpec(held('me'), T0)).to.deep.equal({ holderIdentity: null, leaseDurationSeconds: 1, acquireTime: microTime(T0), renewTime: microTime(T0), leaseTransitions: 3 });
  });

  it('reads a Lease object defensively (wrong types are absent)', () => {
    expect(leaseRecord(undefined)).to.equal(undefined);
    expect(leaseRecord({ spec: { holderIdentity: 7, leaseDurationSeconds: -1, leaseTransitions: 'x' } })).to.deep.equal({ holder: undefined, durationSeconds: undefined, transitions: 0, acquireTime: undefined });
    expect(leaseRecord({ spec: { holderIdentity: 'a', leaseDurationSeconds: 10, leaseTransitions: 2, acquireTime: 't' } })).to.deep.equal({ holder: 'a', durationSeconds: 10, transitions: 2, acquireTime: 't' });
  });
});
