import { expect } from 'chai';
import type { Condition, PolicyStatus } from '../../../src/status/conditions.js';
import { statusEvents } from '../../../src/status/events.js';

const c = (type: string, status: Condition['status'], reason: string, message = `${reason} message`): Condition => ({ type, status, reason, message, lastTransitionTime: '2026-12-01T10:00:00Z' });
const s = (...conditions: Condition[]): PolicyStatus => ({ conditions });
const ready = (status: Condition['status'], reason: string, message?: string) => c('Ready', status, reason, message);
const trust = (status: Condition['status'], reason: string, message?: string) => c('TrustSecretsFound', status, reason, message);

describe('status: the Events a status change gets', () => {
  const table: Array<[name: string, prev: PolicyStatus | undefined, next: PolicyStatus, want: string[]]> = [
    ['first status, in force', undefined, s(ready('True', 'InForce')), ['Normal InForce: InForce message']],
    ['first status, invalid', undefined, s(ready('False', 'Invalid')), ['Warning Invalid: Invalid message']],
    ['True -> False, with the reason', s(ready('True', 'InForce')), s(ready('False', 'Conflict')), ['Warning Conflict: Conflict message']],
    ['False -> True', s(ready('False', 'Invalid')), s(ready('True', 'InForce')), ['Normal InForce: InForce message']],
    ['unchanged: none', s(ready('True', 'InForce'), trust('True', 'Found')), s(ready('True', 'InForce'), trust('True', 'Found')), []],
    ['still invalid, other issues: again', s(ready('False', 'Invalid', 'a: x')), s(ready('False', 'Invalid', 'b: y')), ['Warning Invalid: b: y']],
    ['still in force, another generation: none', s(ready('True', 'InForce', 'generation 1 in force')), s(ready('True', 'InForce', 'generation 2 in force')), []],
    ['a trust Secret goes missing', s(ready('True', 'InForce'), trust('True', 'Found')), s(ready('True', 'InForce'), trust('False', 'TrustSecretMissing')), ['Warning TrustSecretMissing: TrustSecretMissing message']],
    ['missing from the first look', s(ready('True', 'InForce')), s(ready('True', 'InForce'), trust('False', 'TrustSecretMissing')), ['Warning TrustSecretMissing: TrustSecretMissing message']],
    ['found again', s(ready('True', 'InForce'), trust('False', 'TrustSecretMissing')), s(ready('True', 'InForce'), trust('True', 'Found')), ['Normal Found: Found message']],
    ['not known: none', s(ready('True', 'InForce'), trust('True', 'Found')), s(ready('True', 'InForce'), trust('Unknown', 'NotKnown')), []],
  ];
  for (const [name, prev, next, want] of table) {
    it(name, () => {
      expect(statusEvents(prev, next).map((e) => `${e.type} ${e.reason}: ${e.message}`)).to.deep.equal(want);
    });
  }

  it('an Event message stays under 1024 characters', () => {
    const [e] = statusEvents(undefined, s(ready('False', 'Invalid', 'x'.repeat(5000))));
    expect(e!.message.length).to.equal(1024);
  });
});
