// A NiFiTrustPolicy's status from real judgements: objects go through applyClusterEvent into a store and
// the judgement record, as the watch feeds them; the facts are metadata lists (factsFrom).
import { expect } from 'chai';
import { factsFrom, NO_FACTS, type ClusterFacts } from '../../../src/mutation/facts.js';
import { applyClusterEvent, type ClusterEvent } from '../../../src/policy/cluster-events.js';
import { PolicyJudgements, nextJudgement } from '../../../src/policy/judgements.js';
import { builtinPolicy } from '../../../src/policy/load.js';
import { PolicyStore } from '../../../src/policy/store.js';
import { policyStatus, type StatusInput } from '../../../src/status/compute.js';
import { capMessage, readStatus, sameStatus, type PolicyStatus } from '../../../src/status/conditions.js';

const T0 = new Date('2026-12-01T10:00:00.123Z');
const T1 = new Date('2026-12-01T11:30:00Z');

type Spec = Record<string, unknown>;
const cr = (name: string, generation: number, spec: Spec) => ({ apiVersion: 'nifi-ca-guard.io/v1alpha1', kind: 'NiFiTrustPolicy', metadata: { name, generation, uid: `uid-${name}` }, spec });

function world(events: Array<[ClusterEvent, ReturnType<typeof cr>]>) {
  const store = new PolicyStore(builtinPolicy());
  const judgements = new PolicyJudgements();
  for (const [e, o] of events) judgements.record(applyClusterEvent(store, e, o));
  return { store, judgements };
}

function statusOf(name: string, events: Array<[ClusterEvent, ReturnType<typeof cr>]>, more: Partial<StatusInput> = {}): PolicyStatus {
  const { store, judgements } = world(events);
  return policyStatus({ name, judgement: judgements.get(name)!, policies: store.snapshot(), facts: NO_FACTS, now: T0, ...more });
}

const NO_TRUST = { trustBundle: { enabled: false } };
const BAD_SELECTOR = { ca: { selectors: [{}] } };
const BAD_SELECTOR_ISSUE = 'spec.ca.selectors[0]: must not be empty: an empty selector matches every pod';

describe('status: Ready from the judgement and the policies in force', () => {
  const table: Array<{ name: string; events: Array<[ClusterEvent, ReturnType<typeof cr>]>; want: Omit<PolicyStatus, 'conditions'> & { ready: [string, string, string] } }> = [
    {
      name: 'valid: in force',
      events: [['add', cr('p', 3, { namespaces: ['nifi'], ...NO_TRUST })]],
      want: { observedGeneration: 3, inForceGeneration: 3, ready: ['True', 'InForce', 'generation 3 in force'] },
    },
    {
      name: 'invalid from the start: the field paths, nothing in force',
      events: [['add', cr('p', 1, { namespaces: ['nifi'], ...BAD_SELECTOR, enforcment: 'audit' })]],
      want: { observedGeneration: 1, ready: ['False', 'Invalid', `spec.enforcment: unknown field; ${BAD_SELECTOR_ISSUE}`] },
    },
    {
      name: 'an invalid edit: the last good generation stays in force',
      events: [['add', cr('p', 1, { namespaces: ['nifi'], ...NO_TRUST })], ['update', cr('p', 2, { namespaces: ['nifi'], ...BAD_SELECTOR })]],
      want: { observedGeneration: 2, inForceGeneration: 1, ready: ['False', 'Invalid', `${BAD_SELECTOR_ISSUE}; generation 1 stays in force`] },
    },
    {
      name: 'two invalid edits in a row: still the last good generation',
      events: [['add', cr('p', 1, { namespaces: ['nifi'], ...NO_TRUST })], ['update', cr('p', 2, { ...BAD_SELECTOR })], ['update', cr('p', 3, { enforcment: 'x' })]],
      want: { observedGeneration: 3, inForceGeneration: 1, ready: ['False', 'Invalid', 'spec.enforcment: unknown field; generation 1 stays in force'] },
    },
    {
      name: 'fixed: the new generation in force',
      events: [['add', cr('p', 1, { namespaces: ['nifi'], ...NO_TRUST })], ['update', cr('p', 2, { ...BAD_SELECTOR })], ['update', cr('p', 3, { namespaces: ['nifi'], ...NO_TRUST })]],
      want: { observedGeneration: 3, inForceGeneration: 3, ready: ['True', 'InForce', 'generation 3 in force'] },
    },
    {
      name: 'a literal claimed by another policy\'s glob: Conflict',
      events: [['add', cr('p', 1, { namespaces: ['prod-eu', 'dev'], ...NO_TRUST })], ['add', cr('q', 1, { namespaces: ['prod-*'], ...NO_TRUST })]],
      want: { observedGeneration: 1, inForceGeneration: 1, ready: ['False', 'Conflict', 'namespace(s) prod-eu also claimed by policy q'] },
    },
    {
      name: 'two globs that share a namespace, and a policy of every namespace: Conflict with both',
      events: [['add', cr('p', 1, { namespaces: ['prod-*'], ...NO_TRUST })], ['add', cr('q', 1, { namespaces: ['*-eu'], ...NO_TRUST })], ['add', cr('r', 1, { ...NO_TRUST })]],
      want: { observedGeneration: 1, inForceGeneration: 1, ready: ['False', 'Conflict', 'namespace(s) prod-* (overlaps *-eu) also claimed by policy q; namespace(s) prod-* also claimed by policy r'] },
    },
    {
      name: 'two policies of every namespace',
      events: [['add', cr('p', 1, { ...NO_TRUST })], ['add', cr('q', 1, { ...NO_TRUST })], ['add', cr('r', 1, { namespaces: ['x'], ...NO_TRUST })]],
      want: { observedGeneration: 1, inForceGeneration: 1, ready: ['False', 'Conflict', 'every namespace also claimed by policy q; namespace(s) x also claimed by policy r'] },
    },
    {
      name: 'disjoint globs: no conflict',
      events: [['add', cr('p', 1, { namespaces: ['prod-*'], ...NO_TRUST })], ['add', cr('q', 1, { namespaces: ['dev-*', 'prod'], ...NO_TRUST })]],
      want: { observedGeneration: 1, inForceGeneration: 1, ready: ['True', 'InForce', 'generation 1 in force'] },
    },
    {
      name: 'an invalid policy claims nothing: the other one is not in conflict with it',
      events: [['add', cr('p', 1, { namespaces: ['prod'], ...NO_TRUST })], ['add', cr('q', 1, { namespaces: ['prod'], ...BAD_SELECTOR })]],
      want: { observedGeneration: 1, inForceGeneration: 1, ready: ['True', 'InForce', 'generation 1 in force'] },
    },
    {
      name: 'deleted and re-created invalid: nothing of the old one in force',
      events: [['add', cr('p', 1, { namespaces: ['nifi'], ...NO_TRUST })], ['delete', cr('p', 1, {})], ['add', cr('p', 1, { ...BAD_SELECTOR })]],
      want: { observedGeneration: 1, ready: ['False', 'Invalid', BAD_SELECTOR_ISSUE] },
    },
  ];
  for (const c of table) {
    it(c.name, () => {
      const s = statusOf('p', c.events);
      const { ready, ...gens } = c.want;
      expect({ observedGeneration: s.observedGeneration, inForceGeneration: s.inForceGeneration }).to.deep.equal({ inForceGeneration: undefined, ...gens });
      expect(s.conditions.map((x) => x.type)).to.deep.equal(['Ready']); // trust bundle off: no TrustSecretsFound
      const r = s.conditions[0]!;
      expect([r.status, r.reason, r.message]).to.deep.equal(ready);
      expect(r.observedGeneration).to.equal(gens.observedGeneration);
      expect(r.lastTransitionTime).to.equal('2026-12-01T10:00:00Z');
      expect(r.reason).to.match(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/);
    });
  }
});

describe('status: TrustSecretsFound, only where knowable', () => {
  const nifiPod = { labels: { app: 'nifi' } };
  const facts = (existing: string[], checked: string[], pods: Array<{ namespace: string; labels: Record<string, string> }> = []): ClusterFacts =>
    factsFrom({ secrets: new Set(existing), secretsChecked: new Set(checked), pods });
  const table: Array<{ name: string; spec: Spec; others?: Array<ReturnType<typeof cr>>; facts: ClusterFacts; namespaces?: string[]; want: [string, string, string] | undefined }> = [
    { name: 'no facts: left out', spec: { namespaces: ['a'] }, facts: NO_FACTS, want: undefined },
    { name: 'trust bundle off: left out', spec: { namespaces: ['a'], ...NO_TRUST }, facts: facts([], ['a/nifi-ca-trust']), want: undefined },
    { name: 'found in every named namespace', spec: { namespaces: ['a', 'b'] }, facts: facts(['a/nifi-ca-trust', 'b/nifi-ca-trust'], ['a/nifi-ca-trust', 'b/nifi-ca-trust']), want: ['True', 'Found', 'Secret nifi-ca-trust found in namespace(s) a, b'] },
    {
      name: 'missing in one: False, naming it',
      spec: { namespaces: ['a', 'b'] },
      facts: facts(['a/nifi-ca-trust'], ['a/nifi-ca-trust', 'b/nifi-ca-trust']),
      want: ['False', 'TrustSecretMissing', 'Secret nifi-ca-trust missing in namespace(s) b (NiFi pods there hang in ContainerCreating)'],
    },
    { name: 'one known, one not: Unknown', spec: { namespaces: ['a', 'b'] }, facts: facts(['a/nifi-ca-trust'], ['a/nifi-ca-trust']), want: ['Unknown', 'NotKnown', 'whether Secret nifi-ca-trust exist(s) is not known in namespace(s) b'] },
    {
      name: 'the password Secret too',
      spec: { namespaces: ['a'], trustBundle: { password: { secretName: 'trust-pass' } } },
      facts: facts(['a/nifi-ca-trust'], ['a/nifi-ca-trust', 'a/trust-pass']),
      want: ['False', 'TrustSecretMissing', 'Secret trust-pass missing in namespace(s) a (NiFi pods there hang in ContainerCreating)'],
    },
    {
      name: 'a glob: the known namespaces it selects where NiFi pods run',
      spec: { namespaces: ['nifi-*'] },
      namespaces: ['nifi-a', 'nifi-b', 'nifi-idle', 'web'],
      facts: facts(['nifi-a/nifi-ca-trust'], ['nifi-a/nifi-ca-trust', 'nifi-b/nifi-ca-trust', 'nifi-idle/nifi-ca-trust', 'web/nifi-ca-trust'], [
        { namespace: 'nifi-a', ...nifiPod }, { namespace: 'nifi-b', ...nifiPod }, { namespace: 'web', ...nifiPod }, { namespace: 'nifi-idle', labels: { app: 'web' } },
      ]),
      want: ['False', 'TrustSecretMissing', 'Secret nifi-ca-trust missing in namespace(s) nifi-b (NiFi pods there hang in ContainerCreating)'],
    },
    { name: 'a glob without known namespaces: left out', spec: { namespaces: ['nifi-*'] }, facts: facts([], ['nifi-a/nifi-ca-trust']), want: undefined },
    { name: 'a named namespace known not to exist: left out', spec: { namespaces: ['gone'] }, namespaces: ['a'], facts: facts([], ['gone/nifi-ca-trust']), want: undefined },
    {
      name: 'a namespace another policy also claims is not checked (it is not governed)',
      spec: { namespaces: ['a', 'shared'] },
      others: [cr('q', 1, { namespaces: ['shared'], ...NO_TRUST })],
      facts: facts(['a/nifi-ca-trust'], ['a/nifi-ca-trust', 'shared/nifi-ca-trust']),
      want: ['True', 'Found', 'Secret nifi-ca-trust found in namespace(s) a'],
    },
  ];
  for (const c of table) {
    it(c.name, () => {
      const s = statusOf('p', [['add', cr('p', 2, c.spec)], ...(c.others ?? []).map((o) => ['add', o] as [ClusterEvent, ReturnType<typeof cr>])], { facts: c.facts, ...(c.namespaces ? { namespaces: c.namespaces } : {}) });
      const t = s.conditions.find((x) => x.type === 'TrustSecretsFound');
      expect(t && [t.status, t.reason, t.message]).to.deep.equal(c.want);
      if (t) expect(t.observedGeneration).to.equal(2);
    });
  }

  it('an invalid policy with nothing in force says nothing of Secrets', () => {
    const s = statusOf('p', [['add', cr('p', 1, { namespaces: ['a'], ...BAD_SELECTOR })]], { facts: facts([], ['a/nifi-ca-trust']) });
    expect(s.conditions.map((x) => x.type)).to.deep.equal(['Ready']);
  });
});

describe('status: lastTransitionTime moves only when a status does', () => {
  const events = (spec: Spec): Array<[ClusterEvent, ReturnType<typeof cr>]> => [['add', cr('p', 1, { namespaces: ['a'], ...spec })]];
  const trustFacts = (present: boolean) => factsFrom({ secrets: new Set(present ? ['a/nifi-ca-trust'] : []), secretsChecked: new Set(['a/nifi-ca-trust']) });

  it('the same status later: the earlier times, and nothing to write', () => {
    const first = statusOf('p', events({}), { facts: trustFacts(true) });
    const again = statusOf('p', events({}), { facts: trustFacts(true), previous: first, now: T1 });
    expect(again).to.deep.equal(first);
    expect(sameStatus(first, again)).to.equal(true);
  });

  it('one condition changes: only its time moves; a message change alone moves none', () => {
    const first = statusOf('p', events({}), { facts: trustFacts(true) });
    const missing = statusOf('p', events({}), { facts: trustFacts(false), previous: first, now: T1 });
    expect(missing.conditions.map((c) => [c.type, c.status, c.lastTransitionTime])).to.deep.equal([
      ['Ready', 'True', '2026-12-01T10:00:00Z'],
      ['TrustSecretsFound', 'False', '2026-12-01T11:30:00Z'],
    ]);
    expect(sameStatus(first, missing)).to.equal(false);
    const invalid = statusOf('p', [['add', cr('p', 1, BAD_SELECTOR)]], { previous: first, now: T1 });
    const otherIssue = statusOf('p', [['add', cr('p', 2, { enforcment: 'x' })]], { previous: invalid, now: new Date('2026-12-02T00:00:00Z') });
    expect(otherIssue.conditions[0]!.lastTransitionTime).to.equal('2026-12-01T11:30:00Z');
    expect(sameStatus(invalid, otherIssue)).to.equal(false);
  });

  it('reads a stored status back, dropping what is not of its shape', () => {
    const first = statusOf('p', events({}), { facts: trustFacts(true) });
    expect(readStatus(JSON.parse(JSON.stringify(first)))).to.deep.equal(first);
    expect(readStatus({ conditions: [{ type: 'Ready', status: 'Maybe' }, 'x', { type: 'Ready', status: 'True' }], observedGeneration: -1 })).to.deep.equal({
      conditions: [{ type: 'Ready', status: 'True', reason: '', message: '', lastTransitionTime: '' }],
    });
    expect(readStatus(undefined)).to.equal(undefined);
  });
});

describe('status: messages and judgements', () => {
  it('a message past 32768 characters is cut at an issue boundary, saying how much is left out', () => {
    const issues = Array.from({ length: 2000 }, (_, i) => `spec.nifi.selectors[${i}].matchLabels.k: must be a label value of at most 63 characters`);
    const cut = capMessage(issues.join('; '));
    expect(cut.length).to.be.at.most(32768);
    expect(cut).to.match(/must be a label value of at most 63 characters; \.\.\. \(\d+ more characters\)$/);
  });

  it('the judgement record follows the outcomes; an ignored event changes nothing', () => {
    const j1 = nextJudgement(undefined, { result: 'in-force', policy: 'p', generation: 4 });
    expect(j1).to.deep.equal({ observedGeneration: 4, issues: [], inForceGeneration: 4 });
    expect(nextJudgement(j1, { result: 'rejected', policy: 'p', issues: ['x: y'], keeping: true, generation: 5 })).to.deep.equal({ observedGeneration: 5, issues: ['x: y'], inForceGeneration: 4 });
    expect(nextJudgement(j1, { result: 'rejected', policy: 'p', issues: ['x: y'], keeping: false, generation: 5 })).to.deep.equal({ observedGeneration: 5, issues: ['x: y'] });
    expect(nextJudgement(j1, { result: 'ignored', policy: '', why: 'no name' })).to.equal(j1);
    expect(nextJudgement(j1, { result: 'removed', policy: 'p' })).to.equal(undefined);
    const book = new PolicyJudgements();
    const heard: string[] = [];
    book.onChange((p) => heard.push(p));
    book.record({ result: 'in-force', policy: 'b', generation: 1 });
    book.record({ result: 'in-force', policy: 'a', generation: 1 });
    book.record({ result: 'removed', policy: 'b' });
    expect([book.names(), heard]).to.deep.equal([['a'], ['b', 'a', 'b']]);
  });
});
