// The I/O around the planner, on an in-memory API with Kubernetes' concurrency rules: what is written,
// in which order, how a conflicting write is handled, what a follower does, what the log says.
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startLeaderElection } from '../../../src/cluster/leader.js';
import { startSelfManagedTls } from '../../../src/cluster/tls-sync.js';
import { view } from '../../../src/cluster/secret-object.js';
import { ANNOTATIONS, KEYS, certsOf } from '../../../src/cluster/tls-state.js';
import type { TlsPair } from '../../../src/tls/pair.js';
import { MemoryApi } from './memory-api.js';
import { NAMES, TIMING, makeKeys, testMint } from './tls-fixtures.js';

const NS = 'nifi-ca-guard';
const SECRET = `/api/v1/namespaces/${NS}/secrets/nifi-ca-guard-tls`;
const MWC = '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/nifi-ca-guard';
const LEASE = `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/nifi-ca-guard`;

function memoryLogger(): { logger: pino.Logger; lines: () => Array<Record<string, unknown>> } {
  const out: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (out.push(String(chunk)), done()) });
  return { logger: pino({ level: 'debug' }, sink), lines: () => out.flatMap((l) => l.trim().split('\n')).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

function withWebhooks(api: MemoryApi, other: Record<string, unknown> = {}): void {
  api.put(MWC, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: 'nifi-ca-guard', labels: { keep: 'me' } },
    webhooks: [
      { name: 'pods-app.nifi-ca-guard.io', clientConfig: { url: 'https://127.0.0.1/mutate' }, sideEffects: 'None', ...other },
      { name: 'pods-app-name.nifi-ca-guard.io', clientConfig: { url: 'https://127.0.0.1/mutate' }, sideEffects: 'None' },
    ],
  });
}

function start(api: MemoryApi, leader: boolean, onPair: (p: TlsPair) => void = () => undefined) {
  const log = memoryLogger();
  const sync = startSelfManagedTls({
    api, namespace: NS, secretName: 'nifi-ca-guard-tls', webhookConfiguration: 'nifi-ca-guard', dnsNames: NAMES, timing: TIMING,
    syncIntervalMs: 60_000, isLeader: () => leader, onPair, logger: log.logger, mint: testMint(),
  });
  return { sync, log };
}

describe('cluster/tls-sync: Secret and caBundles on an API with resourceVersions', function () {
  this.timeout(60_000);
  before(makeKeys);

  it('the leader creates the Secret, then patches every caBundle (only those fields), and serves the pair', async () => {
    const api = new MemoryApi();
    withWebhooks(api);
    const pairs: TlsPair[] = [];
    const { sync, log } = start(api, true, (p) => pairs.push(p));
    await sync.sync();
    await sync.stop();
    expect(api.writes.map((w) => `${w.method} ${w.path}`)).to.deep.equal([`POST ${SECRET}`, `PATCH ${MWC}`]);
    const secret = (await api.get(SECRET))!;
    expect(secret.type).to.equal('kubernetes.io/tls');
    const data = view(secret).data;
    const mwc = (await api.get(MWC))! as any;
    for (const w of mwc.webhooks) expect(certsOf(Buffer.from(w.clientConfig.caBundle, 'base64').toString()).map((c) => c.fingerprint)).to.deep.equal(certsOf(data[KEYS.bundle]!).map((c) => c.fingerprint));
    // Nothing else in the webhook configuration changed.
    const strip = (o: any) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined }, webhooks: o.webhooks.map((w: any) => ({ ...w, clientConfig: { url: w.clientConfig.url } })) });
    withWebhooks(api);
    expect(strip(mwc)).to.deep.equal(strip((await api.get(MWC))!));
    expect(pairs.map((p) => p.cert)).to.deep.equal([data[KEYS.cert]]);
    expect(JSON.stringify(log.lines())).to.not.match(/BEGIN|PRIVATE/);
  });

  it('an operator\'s renew annotation is acted on and removed; other annotations stay', async () => {
    const api = new MemoryApi();
    withWebhooks(api);
    const first = start(api, true);
    await first.sync.sync();
    await first.sync.stop();
    const leafBefore = view((await api.get(SECRET))!).data[KEYS.cert];
    // A second, harmless reason to write (a caBundle emptied), and an operator annotating the Secret just before that write.
    const mwc = (await api.get(MWC))! as any;
    delete mwc.webhooks[1].clientConfig.caBundle;
    api.put(MWC, mwc);
    const s = (await api.get(SECRET))! as any;
    s.metadata.annotations = { ...s.metadata.annotations, [ANNOTATIONS.renew]: 'leaf', 'someone.else/note': 'kept' };
    api.put(SECRET, s);
    const next = start(api, true);
    await next.sync.sync();
    await next.sync.stop();
    const after = (await api.get(SECRET))! as any;
    expect(view(after).data[KEYS.cert], 'renewed as asked').to.not.equal(leafBefore);
    expect(after.metadata.annotations, 'the request consumed, the other annotation kept').to.deep.equal({ 'someone.else/note': 'kept' });
  });

  it('a write that conflicts is retried on what is there now', async () => {
    const api = new MemoryApi();
    withWebhooks(api);
    const first = start(api, true);
    await first.sync.sync();
    await first.sync.stop();
    const s = (await api.get(SECRET))! as any;
    s.metadata.annotations = { [ANNOTATIONS.renew]: 'leaf' };
    api.put(SECRET, s);
    // Someone else writes the Secret between our read and our update.
    api.beforeNextWrite = () => {
      const o = structuredClone(api.objects.get(SECRET)!) as any;
      o.metadata.labels = { ...o.metadata.labels, touched: 'by-someone' };
      api.put(SECRET, o);
    };
    const { sync, log } = start(api, true);
    await sync.sync();
    await sync.stop();
    const after = (await api.get(SECRET))! as any;
    expect(after.metadata.labels.touched, 'their change survives').to.equal('by-someone');
    expect(after.metadata.annotations?.[ANNOTATIONS.renew], 'ours is done too').to.equal(undefined);
    expect(log.lines().some((l) => String(l.msg).startsWith('TLS: serving certificate renewed'))).to.equal(true);
    expect(log.lines().filter((l) => (l.level as number) >= 40), 'a conflict is routine: re-read in the same round, no warning').to.deep.equal([]);
  });

  it('a caBundle patch pinned to a resourceVersion that moved: 422 from the test op, then patched on the new version', async () => {
    const api = new MemoryApi();
    withWebhooks(api);
    api.beforeNextWrite = undefined;
    const { sync, log } = start(api, true);
    let patches = 0;
    const original = api.jsonPatch.bind(api);
    api.jsonPatch = async (path, ops) => {
      if (patches++ === 0) {
        const o = structuredClone(api.objects.get(MWC)!) as any;
        o.metadata.labels.moved = 'yes';
        api.put(MWC, o); // another client's edit: the resourceVersion moves under our patch
      }
      return original(path, ops);
    };
    await sync.sync();
    await sync.stop();
    const mwc = (await api.get(MWC))! as any;
    expect(mwc.metadata.labels).to.deep.equal({ keep: 'me', moved: 'yes' });
    expect(mwc.webhooks.every((w: any) => typeof w.clientConfig.caBundle === 'string' && w.clientConfig.caBundle !== '')).to.equal(true);
    expect(patches, 'the first refused, the second applied').to.equal(2);
    expect(log.lines().filter((l) => (l.level as number) >= 40), 'no warning').to.deep.equal([]);
  });

  it('a follower only reads: it writes nothing, and loads the pair the leader wrote', async () => {
    const api = new MemoryApi();
    withWebhooks(api);
    const follower0 = start(api, false);
    await follower0.sync.sync();
    await follower0.sync.stop();
    expect(api.writes, 'no Secret yet, and the follower does not create one').to.deep.equal([]);
    const leader = start(api, true);
    await leader.sync.sync();
    await leader.sync.stop();
    const writes = api.writes.length;
    const pairs: TlsPair[] = [];
    const follower = start(api, false, (p) => pairs.push(p));
    await follower.sync.sync();
    await follower.sync.sync();
    await follower.sync.stop();
    expect(api.writes.length).to.equal(writes);
    expect(pairs, 'loaded once, not again for the same pair').to.have.length(1);
  });

  it('API errors are logged once per state change, not per attempt', async () => {
    const failing = new MemoryApi();
    withWebhooks(failing);
    const realGet = failing.get.bind(failing);
    failing.get = async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
    };
    const { sync, log } = start(failing, true);
    for (let i = 0; i < 5; i++) await sync.sync();
    failing.get = realGet;
    await sync.sync();
    await sync.sync();
    await sync.stop();
    const msgs = log.lines().map((l) => l.msg);
    expect(msgs.filter((m) => m === 'reading the TLS Secret failing; retrying')).to.have.length(1);
    expect(msgs.filter((m) => m === 'reading the TLS Secret working again')).to.have.length(1);
  });
});

describe('cluster/leader: Lease election on an API with resourceVersions', function () {
  this.timeout(30_000);

  it('one of two replicas leads; stopping it releases the Lease and the other leads at its next round', async () => {
    const api = new MemoryApi();
    const log = memoryLogger();
    const a = startLeaderElection({ api, namespace: NS, name: 'nifi-ca-guard', identity: 'a', durationMs: 60_000, logger: log.logger });
    await a.tick();
    const b = startLeaderElection({ api, namespace: NS, name: 'nifi-ca-guard', identity: 'b', durationMs: 60_000, logger: log.logger });
    await b.tick();
    expect([a.isLeader(), b.isLeader()]).to.deep.equal([true, false]);
    expect(((await api.get(LEASE))!.spec as any).holderIdentity).to.equal('a');
    await a.stop();
    expect(((await api.get(LEASE))!.spec as any).holderIdentity, 'released').to.equal(null);
    await b.tick();
    expect(b.isLeader()).to.equal(true);
    const spec = (await api.get(LEASE))!.spec as any;
    expect(spec).to.include({ holderIdentity: 'b', leaseTransitions: 1, leaseDurationSeconds: 60 });
    await b.stop();
  });

  it('two replicas racing for a free Lease: one create wins, the other gets 409 and follows', async () => {
    const api = new MemoryApi();
    const log = memoryLogger();
    const a = startLeaderElection({ api, namespace: NS, name: 'nifi-ca-guard', identity: 'a', durationMs: 60_000, logger: log.logger });
    const b = startLeaderElection({ api, namespace: NS, name: 'nifi-ca-guard', identity: 'b', durationMs: 60_000, logger: log.logger });
    await Promise.all([a.tick(), b.tick()]);
    expect([a.isLeader(), b.isLeader()].filter(Boolean)).to.have.length(1);
    await Promise.all([a.stop(), b.stop()]);
  });
});
