import { expect } from 'chai';
import { createLogger } from '../../src/log.js';
import { PolicyError, policyErrorLines } from '../../src/policy/errors.js';
import { logRejectedPolicy } from '../../src/policy/log-issues.js';
import { LogCapture } from '../support/logs.js';

// Issue 10: a refused policy's problems came as one line of ~1,000 characters, in the CLI and the log.
describe('a refused policy, one problem per line', () => {
  const issues = Array.from({ length: 60 }, (_, i) => `spec.k${i}: unknown field`);

  it('logs one record per problem with its field path, then a summary with the count (capped at 50)', () => {
    const logs = new LogCapture();
    logRejectedPolicy(createLogger('info', logs), { policy: 'p', resourceVersion: '3' }, issues, 'cluster policy rejected; not in force');
    const records = logs.records();
    expect(records).to.have.length(51);
    expect(records.slice(0, 50).map((r) => r.issue)).to.deep.equal(issues.slice(0, 50));
    expect(records.slice(0, 50).every((r) => r.msg === 'policy problem' && r.policy === 'p' && r.resourceVersion === '3')).to.equal(true);
    expect(records[50]).to.include({ msg: 'cluster policy rejected; not in force', problems: 60, notLogged: 10, policy: 'p' });
    expect(Math.max(...logs.lines.map((l) => l.length))).to.be.below(300);
  });

  it('prints one problem on the headline, several one per line', () => {
    expect(policyErrorLines(new PolicyError('p.yaml', ['spec.a: unknown field']))).to.deep.equal(['invalid policy p.yaml: spec.a: unknown field']);
    expect(policyErrorLines(new PolicyError('p.yaml', ['spec.a: x', 'spec.b: y']))).to.deep.equal(['invalid policy p.yaml: 2 problems:', '  spec.a: x', '  spec.b: y']);
    expect(policyErrorLines(new PolicyError('p.yaml', issues), 3)).to.deep.equal(['invalid policy p.yaml: 60 problems:', '  spec.k0: unknown field', '  spec.k1: unknown field', '  spec.k2: unknown field', '  ... and 57 more']);
  });
});
