import { expect } from 'chai';
import { createLogger, logAdmission } from '../../src/log.js';
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
});
