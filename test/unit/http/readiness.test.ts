import { expect } from 'chai';
import { Readiness } from '../../../src/http/readiness.js';

describe('http/readiness: serving the current policies with a valid certificate', () => {
  const at = (iso: string) => Date.parse(iso);

  it('is not ready until policy and certificate are in use', () => {
    const r = new Readiness(() => at('2026-01-01T00:00:00Z'));
    expect(r.problems()).to.deep.equal(['policy not loaded', 'certificate not loaded']);
    r.policyLoaded();
    r.certificateLoaded('Jan  1 00:00:00 2027 GMT');
    expect(r.problems()).to.deep.equal([]);
  });

  it('is not ready once the certificate in use has expired, and ready again on a new one', () => {
    let now = at('2026-06-01T00:00:00Z');
    const r = new Readiness(() => now);
    r.policyLoaded();
    r.certificateLoaded('Jun  1 12:00:00 2026 GMT');
    expect(r.problems()).to.deep.equal([]);
    now = at('2026-06-01T12:00:00Z');
    expect(r.problems()).to.deep.equal(['certificate expired at 2026-06-01T12:00:00.000Z']);
    r.certificateLoaded('Jun  1 12:00:00 2027 GMT');
    expect(r.problems()).to.deep.equal([]);
  });

  it('tolerates a failing source for a while, then reports it with its reason until it recovers', () => {
    let now = 0;
    const r = new Readiness(() => now, 30_000);
    r.policyLoaded();
    r.certificateLoaded();
    r.failing('cluster policies', 'watch failed: HTTP 403: Forbidden');
    now = 29_999;
    r.failing('cluster policies', 'watch failed: HTTP 403: Forbidden'); // each retry: the first time is kept
    expect(r.problems()).to.deep.equal([]);
    now = 45_000;
    expect(r.problems()).to.deep.equal(['cluster policies stale: watch failed: HTTP 403: Forbidden (failing for 45 s)']);
    r.recovered('cluster policies');
    expect(r.problems()).to.deep.equal([]);
  });
});
