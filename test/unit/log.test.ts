import { expect } from 'chai';
import { MAX_LOG_FIELD_CHARS, createLogger, logAdmission, rateLimitedWarn } from '../../src/log.js';
import type { ReviewSummary } from '../../src/admission/review.js';
import { LogCapture } from '../support/logs.js';

describe('log: one admission line with the summary fields only', () => {
  it('writes the summary fields and nothing else of the review', () => {
    const logs = new LogCapture();
    const summary: ReviewSummary & { object?: unknown } = {
      uid: 'u-1', operation: 'CREATE', namespace: 'nifi', name: 'nifi-0', role: 'nifi',
      reason: 'matches app=nifi', patchOps: 3, warnings: 1, dryRun: false,
      object: { spec: { containers: [{ image: 'apache/nifi:1.28.1' }] } },
    };
    logAdmission(createLogger('info', logs), summary, 1.23456);
    const [line] = logs.records();
    expect(line).to.include({ msg: 'admission', uid: 'u-1', operation: 'CREATE', namespace: 'nifi', podName: 'nifi-0', role: 'nifi', patchOps: 3, warnings: 1, dryRun: false, durationMs: 1.235 });
    expect(logs.text()).to.not.include('apache/nifi');
  });

  it('redacts pod, patch and key material if someone logs them anyway', () => {
    const logs = new LogCapture();
    createLogger('info', logs).info({ pod: { a: 1 }, patch: [1], key: '-----BEGIN PRIVATE KEY-----' }, 'oops');
    expect(logs.text()).to.not.match(/BEGIN|"a":1/);
  });

  it('bounds every field: a 1 MB uid does not make a 1 MB line', () => {
    const logs = new LogCapture();
    const summary: ReviewSummary = {
      uid: 'u'.repeat(1 << 20), operation: 'CREATE', namespace: 'n'.repeat(5000), name: 'nifi-0', role: 'nifi',
      reason: 'r', patchOps: 0, warnings: 0, dryRun: false,
    };
    logAdmission(createLogger('info', logs), summary, 1);
    expect(logs.text().length).to.be.below(2_000);
    const [line] = logs.records();
    expect(String(line!.uid)).to.equal(`${'u'.repeat(MAX_LOG_FIELD_CHARS)}...[${(1 << 20) - MAX_LOG_FIELD_CHARS} more chars]`);
    expect(line!.podName).to.equal('nifi-0');
  });

  it('bounds arrays and nesting too', () => {
    const logs = new LogCapture();
    createLogger('info', logs).warn({ issues: Array.from({ length: 1000 }, (_, i) => `issue ${i}`), deep: { a: { b: { c: { d: { e: 1 } } } } } }, 'x');
    const [line] = logs.records();
    expect(line!.issues).to.have.length(21);
    expect((line!.issues as string[])[20]).to.equal('...[980 more items]');
    expect(JSON.stringify(line!.deep)).to.include('[nested too deep]');
  });
});

describe('log: rate-limited warnings', () => {
  it('logs at most max lines per interval, then one line counting the rest', () => {
    const logs = new LogCapture();
    let t = 0;
    const warn = rateLimitedWarn(createLogger('info', logs), 'tls handshake failed', 5, 60_000, () => t);
    for (let i = 0; i < 137; i++) warn({ code: 'ERR_SSL_NO_SHARED_CIPHER' });
    expect(logs.records().filter((r) => r.msg === 'tls handshake failed')).to.have.length(5);
    warn.flush();
    const summary = logs.records().at(-1)!;
    expect(summary).to.include({ msg: 'tls handshake failed (more not logged)', notLogged: 132, intervalMs: 60_000 });
    t = 60_000;
    warn({ code: 'ECONNRESET' });
    expect(logs.records()).to.have.length(7);
    expect(logs.records().at(-1)).to.include({ msg: 'tls handshake failed', code: 'ECONNRESET' });
  });

  it('writes the held-back count when the interval ends, unprompted', async () => {
    const logs = new LogCapture();
    const warn = rateLimitedWarn(createLogger('info', logs), 'dropped', 1, 50);
    warn({});
    warn({});
    warn({});
    await new Promise((r) => setTimeout(r, 200));
    expect(logs.records().map((r) => r.notLogged)).to.deep.equal([undefined, 2]);
  });
});
