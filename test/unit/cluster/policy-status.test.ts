// The status writer on an in-memory API with Kubernetes' concurrency rules and status subresource: what
// is written, when nothing is, how a conflicting write is handled, what a follower does, which Events.
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { EVENT_NAMESPACE, startPolicyStatus } from '../../../src/cluster/policy-status.js';
import { factsFrom, type ClusterFacts } from '../../../src/mutation/facts.js';
import { applyClusterEvent, type ClusterEvent } from '../../../src/policy/cluster-events.js';
import { PolicyJudgements } from '../../../src/policy/judgements.js';
import { builtinPolicy } from '../../../src/policy/load.js';
import { PolicyStore } from '../../../src/policy/store.js';
import { MemoryApi } from './memory-api.js';

const POLICIES = '/apis/nifi-ca-guard.io/v1alpha1/nifitrustpolicies';
const EVENTS = `/api/v1/namespaces/${EVENT_NAMESPACE}/events`;

function memoryLogger() {
  const out: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (out.push(String(chunk)), done()) });
  return { logger: pino({ level: 'debug' }, sink), text: () => out.join('') };
}

/** The cluster (objects in the API) and one replica's view of it (store and judgements fed by watch events). */
class World {
  readonly api = new MemoryApi();
  readonly store = new PolicyStore(builtinPolicy());
  readonly judgements = new PolicyJudgements();
  leader = true;
  facts: ClusterFacts = factsFrom({});
  #generation = new Map<string, number>();
  #created = new Map<string, number>();
  readonly log = memoryLogger();

  /** A user's apply: the object stored (generation bumped), then the watch event. */
  apply(name: string, spec: Record<string, unknown>, event: ClusterEvent = 'add'): void {
    const generation = (this.#generation.get(name) ?? 0) + 1;
    this.#generation.set(name, generation);
    const prev = this.api.objects.get(`${POLICIES}/${name}`);
    // A re-created object is another object: another uid.
    const created = prev ? 0 : (this.#created.get(name) ?? 0) + 1;
    if (!prev) this.#created.set(name, created);
    const uid = prev ? (prev.metadata as { uid: string }).uid : `uid-${name}${created === 1 ? '' : `-${created}`}`;
    const obj = { apiVersion: 'nifi-ca-guard.io/v1alpha1', kind: 'NiFiTrustPolicy', metadata: { name, uid, generation }, spec, ...(prev?.status ? { status: prev.status } : {}) };
    this.api.put(`${POLICIES}/${name}`, obj);
    this.judgements.record(applyClusterEvent(this.store, event, this.api.objects.get(`${POLICIES}/${name}`)));
  }

  start() {
    return startPolicyStatus({
      api: this.api, judgements: this.judgements, policies: () => this.store.snapshot(), facts: () => this.facts, isLeader: () => this.leader,
      identity: 'replica-a', logger: this.log.logger, resyncMs: 60_000, debounceMs: 10,
    });
  }

  status(name: string): any {
    return this.api.objects.get(`${POLICIES}/${name}`)!.status;
  }

  events(): any[] {
    return [...this.api.objects].filter(([p]) => p.startsWith(`${EVENTS}/`)).map(([, e]) => e);
  }

  writes(): string[] {
    return this.api.writes.map((w) => `${w.method} ${w.path.startsWith(EVENTS) ? EVENTS : w.path}`);
  }
}

const ready = (s: any) => s.conditions.find((c: any) => c.type === 'Ready');
const NO_TRUST = { trustBundle: { enabled: false } };

describe('cluster/policy-status: status subresource and Events, on an API with resourceVersions', () => {
  it('the leader writes each judged policy\'s status, with an Event each; a second round writes nothing', async () => {
    const w = new World();
    w.apply('good', { namespaces: ['a'], ...NO_TRUST });
    w.apply('bad', { namespaces: ['b'], ca: { selectors: [{}] } });
    const writer = w.start();
    await writer.sync();
    expect(w.writes()).to.deep.equal([`PUT ${POLICIES}/bad/status`, `POST ${EVENTS}`, `PUT ${POLICIES}/good/status`, `POST ${EVENTS}`]);
    expect(ready(w.status('good'))).to.include({ status: 'True', reason: 'InForce', observedGeneration: 1 });
    expect(w.status('good')).to.include({ observedGeneration: 1, inForceGeneration: 1 });
    expect(ready(w.status('bad'))).to.include({ status: 'False', reason: 'Invalid', message: 'spec.ca.selectors[0]: must not be empty: an empty selector matches every pod' });
    expect(w.status('bad').inForceGeneration).to.equal(undefined);
    const events = w.events();
    expect(events.map((e) => [e.metadata.namespace, e.involvedObject.kind, e.involvedObject.name, e.involvedObject.uid, e.type, e.reason])).to.deep.equal([
      ['default', 'NiFiTrustPolicy', 'bad', 'uid-bad', 'Warning', 'Invalid'],
      ['default', 'NiFiTrustPolicy', 'good', 'uid-good', 'Normal', 'InForce'],
    ]);
    expect(events[0].involvedObject.apiVersion).to.equal('nifi-ca-guard.io/v1alpha1');
    expect(events[0].metadata.name).to.match(/^bad\./);
    await writer.sync();
    await writer.stop();
    expect(w.writes()).to.have.length(4);
    expect(w.api.objects.get(`${POLICIES}/good`)!.spec).to.deep.equal({ namespaces: ['a'], ...NO_TRUST }); // a status write keeps the spec
  });

  it('invalid edit, then fixed: False with the generation in force, then True', async () => {
    const w = new World();
    w.apply('p', { namespaces: ['a'], ...NO_TRUST });
    const writer = w.start();
    await writer.sync();
    const inForceSince = ready(w.status('p')).lastTransitionTime;
    w.apply('p', { namespaces: ['a*'], enforcment: 'audit' }, 'update');
    await writer.sync();
    expect(w.status('p')).to.include({ observedGeneration: 2, inForceGeneration: 1 });
    expect(ready(w.status('p'))).to.include({ status: 'False', reason: 'Invalid', message: 'spec.enforcment: unknown field; generation 1 stays in force' });
    w.apply('p', { namespaces: ['a'], ...NO_TRUST }, 'update');
    await writer.sync();
    expect(ready(w.status('p'))).to.include({ status: 'True', observedGeneration: 3 });
    w.apply('p', { namespaces: ['a*'], enforcment: 'audit' }, 'update');
    await writer.sync();
    await writer.stop();
    expect(inForceSince).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const events = w.events().map((e) => [e.type, e.reason, e.count]);
    // The second warning names another generation in force: an Event of its own.
    expect(events).to.deep.equal([['Normal', 'InForce', 1], ['Warning', 'Invalid', 1], ['Normal', 'InForce', 1], ['Warning', 'Invalid', 1]]);
    expect(w.events()[3].message).to.equal('spec.enforcment: unknown field; generation 3 stays in force');
  });

  it('a status changed by someone else between read and write (409): read again, computed again, written', async () => {
    const w = new World();
    w.apply('p', { namespaces: ['a'], ...NO_TRUST });
    w.api.beforeNextWrite = () => {
      const o = structuredClone(w.api.objects.get(`${POLICIES}/p`)!);
      (o.metadata as any).labels = { edited: 'meanwhile' };
      w.api.put(`${POLICIES}/p`, o);
    };
    const writer = w.start();
    await writer.sync();
    await writer.stop();
    expect(w.writes()).to.deep.equal([`PUT ${POLICIES}/p/status`, `POST ${EVENTS}`]);
    const o = w.api.objects.get(`${POLICIES}/p`)! as any;
    expect(o.metadata.labels).to.deep.equal({ edited: 'meanwhile' });
    expect(ready(o.status).status).to.equal('True');
  });

  it('conflicts follow the other policy: adding one turns both False, deleting it turns the first True again; the same warning again counts up', async () => {
    const w = new World();
    w.apply('p', { namespaces: ['prod-eu'], ...NO_TRUST });
    const writer = w.start();
    await writer.sync();
    w.apply('q', { namespaces: ['prod-*'], ...NO_TRUST });
    await writer.sync();
    expect(ready(w.status('p'))).to.include({ status: 'False', reason: 'Conflict', message: 'namespace(s) prod-eu also claimed by policy q' });
    expect(ready(w.status('q'))).to.include({ status: 'False', reason: 'Conflict', message: 'namespace(s) prod-eu also claimed by policy p' });
    const remove = () => {
      w.api.objects.delete(`${POLICIES}/q`);
      w.judgements.record(applyClusterEvent(w.store, 'delete', { metadata: { name: 'q' } }));
    };
    remove();
    await writer.sync();
    expect(ready(w.status('p'))).to.include({ status: 'True', reason: 'InForce' });
    w.apply('q', { namespaces: ['prod-*'], ...NO_TRUST });
    await writer.sync();
    remove();
    await writer.sync();
    await writer.stop();
    const mine = w.events().filter((e) => e.involvedObject.name === 'p').map((e) => [e.type, e.reason, e.count]);
    expect(mine).to.deep.equal([['Normal', 'InForce', 3], ['Warning', 'Conflict', 2]]);
    expect(w.writes().filter((x) => x.startsWith('PATCH'))).to.have.length(3);
  });

  it('TrustSecretMissing from the facts, with an Event naming the namespace and no Secret contents', async () => {
    const w = new World();
    w.apply('p', { namespaces: ['a', 'b'] });
    w.facts = factsFrom({ secrets: new Set(['a/nifi-ca-trust']), secretsChecked: new Set(['a/nifi-ca-trust', 'b/nifi-ca-trust']) });
    const writer = w.start();
    await writer.sync();
    await writer.stop();
    const trust = w.status('p').conditions.find((c: any) => c.type === 'TrustSecretsFound');
    expect(trust).to.include({ status: 'False', reason: 'TrustSecretMissing' });
    expect(w.events().map((e) => [e.type, e.reason, e.message])).to.deep.equal([
      ['Normal', 'InForce', 'generation 1 in force'],
      ['Warning', 'TrustSecretMissing', 'Secret nifi-ca-trust missing in namespace(s) b (NiFi pods there hang in ContainerCreating)'],
    ]);
  });

  it('a follower writes nothing; it writes once it leads', async () => {
    const w = new World();
    w.leader = false;
    w.apply('p', { namespaces: ['a'], ...NO_TRUST });
    const writer = w.start();
    await writer.sync();
    expect(w.writes()).to.deep.equal([]);
    w.leader = true;
    writer.changed();
    await new Promise((r) => setTimeout(r, 50)); // the debounce
    await writer.sync();
    await writer.stop();
    expect(w.writes()).to.deep.equal([`PUT ${POLICIES}/p/status`, `POST ${EVENTS}`]);
    expect(w.log.text()).to.include('policy status written');
  });
});
