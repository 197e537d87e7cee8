import { expect } from 'chai';
import { isDnsName, serviceDnsNames } from '../../../src/tls/names.js';

describe('tls/names: service DNS names and validation', () => {
  it('lists the names the API server may dial for the webhook Service', () => {
    expect(serviceDnsNames()).to.deep.equal([
      'nifi-ca-guard',
      'nifi-ca-guard.nifi-ca-guard',
      'nifi-ca-guard.nifi-ca-guard.svc',
      'nifi-ca-guard.nifi-ca-guard.svc.cluster.local',
    ]);
    expect(serviceDnsNames('hook', 'ops')).to.include('hook.ops.svc');
  });

  const cases: Array<[string, boolean]> = [
    ['nifi-ca-guard.nifi-ca-guard.svc', true],
    ['localhost', true],
    ['*.example.com', true],
    ['a', true],
    ['x'.repeat(63) + '.com', true],
    ['x'.repeat(64) + '.com', false],
    ['under_score.example', false],
    ['-leading.example', false],
    ['trailing-.example', false],
    ['double..dot', false],
    ['a.*.example', false],
    ['', false],
    ['Upper.Example', false],
  ];
  for (const [name, want] of cases) {
    it(`"${name.length > 30 ? name.slice(0, 27) + '...' : name}" -> ${want}`, () => {
      expect(isDnsName(name)).to.equal(want);
    });
  }
});
