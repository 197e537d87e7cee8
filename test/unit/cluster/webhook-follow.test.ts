// The follower's I/O on an in-memory API with Kubernetes' concurrency rules: when it writes (only as
// leader, only once the cluster policies are listed), how (one conditional JSON patch), what it logs,
// how it survives a concurrent write, and that self-managed TLS keeps every caBundle right as entries
// come and go on the same object.
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startSelfManagedTls } from '../../../src/cluster/tls-sync.js';
import { KEYS, certsOf } from '../../../src/cluster/tls-state.js';
import { view } from '../../../src/cluster/secret-object.js';
import { planWebhooks } from '../../../src/cluster/webhook-plan.js';
import { startWebhookFollow } from '../../../src/cluster/webhook-follow.js';
import { mutatingWebhookConfiguration } from '../../../src/install/webhook-configuration.js';
import type { Json } from '../../../src/json.js';
import { builtinPolicy } from '../../../src/policy/load.js';
import { PolicyStore } from '../../../src/policy/store.js';
import { DEFAULT_SPEC } from '../../../src/policy/defaults.js';
import { policyWith } from '../../support/policy.js';
import { MemoryApi } from './memory-api.js';
import { NAMES, TIMING, makeKeys, testMint } from './tls-fixtures.js';

const NS = 'nifi-ca-guard';
const MWC = '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/nifi-ca-guard';
const SECRET = `/api/v1/namespaces/${NS}/secrets/nifi-ca-guard-tls`;
const CETIC = policyWith(
  { namespaces: ['nifi'], nifi: { selectors: [{ matchLabels: { app: 'nifi', release: 'nifi' } }] }, ca: { selectors: [{ matchLabels: { app: 'ca-ca', release: 'nifi' } }] } },
  'cetic',
);
const TEAM = policyWith({ namespaces: ['apps'], nifi: { selectors: [{ matchLabels: { team: 'a', role: 'nifi' } }] }, ca: { selectors: [{ matchLabels: { team: 'a', role: 'ca' } }] } }, 'team');
const CETIC_NAMES = ['pods-app-ca-ca-release-nifi.nifi-ca-guard.io', 'pods-app-nifi-release-nifi.nifi-ca-guard.io'];

function memoryLogger(): { logger: pino.Logger; lines: () => Array<Record<string, unknown>> } {
  const out: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (out.push(String(chunk)), done()) });
  return { logger: pino({ level: 'debug' }, sink), lines: () => out.flatMap((l) => l.trim().split('\n')).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** The install's configuration (the default policy's entries), with a caBundle when given; Kubernetes `minor`. */
function cluster(caBundle?: string, minor = '30'): MemoryApi {
  const api = new MemoryApi();
  const mwc = mutatingWebhookConfiguration([...DEFAULT_SPEC.nifi.selectors, ...DEFAULT_SPEC.ca.selectors], NS);
  if (caBundle) for (const w of mwc.webhooks as Json[]) (w.clientConfig as Json).caBundle = caBundle;
  api.put(MWC, mwc as unknown as Json);
  api.objects.set('/version', { major: '1', minor, gitVersion: `v1.${minor}.0` });
  return api;
}

function follow(api: MemoryApi, store: PolicyStore, o: { leader?: () => boolean; synced?: () => boolean } = {}) {
  const log = memoryLogger();
  const f = startWebhookFollow({
    api, webhookConfiguration: 'nifi-ca-guard', namespace: NS, policies: () => store.snapshot(),
    synced: o.synced ?? (() => true), isLeader: o.leader ?? (() => true), intervalMs: 60_000, debounceMs: 5, logger: log.logger,
  });
  store.subscribe(f.changed);
  return { f, log };
}

const webhooksOf = async (api: MemoryApi): Promise<Json[]> => ((await api.get(MWC))!.webhooks as Json[]);
const until = async (what: string, ok: () => boolean | Promise<boolean>): Promise<void> => {
  for (let i = 0; i < 200; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe('cluster/webhook-follow: the leader keeps the entries in step, on an API with resourceVersions', function () {
  this.timeout(60_000);

  it('a new policy adds its entries in one conditional patch, a deleted one removes them, one log line each; nothing when unchanged', async () => {
    const api = cluster('Q0E=');
    const store = new PolicyStore(builtinPolicy());
    const { f, log } = follow(api, store);
    await f.sync();
    expect(api.writes, 'the install is what the fallback policy selects').to.deep.equal([]);

    store.setCluster(CETIC);
    await until('the entries added', () => api.writes.length === 1);
    expect(api.writes).to.deep.equal([{ method: 'PATCH', path: MWC }]);
    const names = (await webhooksOf(api)).map((w) => w.name);
    expect(names).to.deep.equal(['pods-app.nifi-ca-guard.io', 'pods-app-name.nifi-ca-guard.io', ...CETIC_NAMES]);
    // Narrowed to the policy's namespace: the API server is 1.30.
    expect(((await webhooksOf(api))[2]!.namespaceSelector as Json).matchExpressions).to.deep.include({ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['nifi'] });

    await f.sync();
    expect(api.writes, 'unchanged: no second write').to.have.length(1);

    store.deleteCluster('cetic');
    await until('the entries removed', () => api.writes.length === 2);
    expect((await webhooksOf(api)).map((w) => w.name)).to.deep.equal(['pods-app.nifi-ca-guard.io', 'pods-app-name.nifi-ca-guard.io']);
    await f.stop();

    const changes = log.lines().filter((l) => l.msg === 'webhook configuration follows the policies');
    expect(changes.map((l) => [l.added, l.removed, l.changed])).to.deep.equal([[CETIC_NAMES, [], []], [[], CETIC_NAMES, []]]);
    expect(JSON.stringify(log.lines())).to.not.include('objectSelector');
  });

  it('policy changes close together are one write (debounced)', async () => {
    const api = cluster();
    const store = new PolicyStore(builtinPolicy());
    const { f } = follow(api, store);
    await f.sync();
    store.setCluster(CETIC);
    store.setCluster(TEAM);
    await until('a write', () => api.writes.length > 0);
    await new Promise((r) => setTimeout(r, 50));
    await f.stop();
    expect(api.writes).to.have.length(1);
    expect((await webhooksOf(api)).length).to.equal(6);
  });

  for (const [name, o] of [
    ['a replica that does not lead writes nothing', { leader: () => false }],
    ['before the cluster policies are listed nothing is written (their entries would be dropped)', { synced: () => false }],
  ] as const) {
    it(name, async () => {
      const api = cluster();
      const store = new PolicyStore(builtinPolicy());
      store.setCluster(CETIC);
      const { f } = follow(api, store, o);
      await f.sync();
      store.setCluster(TEAM);
      await new Promise((r) => setTimeout(r, 30));
      await f.stop();
      expect(api.writes).to.deep.equal([]);
    });
  }

  it('Kubernetes 1.20: entries are not narrowed to namespaces, and the log says why once', async () => {
    const api = cluster(undefined, '20');
    const store = new PolicyStore(builtinPolicy());
    store.setCluster(CETIC);
    const { f, log } = follow(api, store);
    await f.sync();
    await f.sync();
    await f.stop();
    for (const w of await webhooksOf(api)) {
      expect(((w.namespaceSelector as Json).matchExpressions as Json[]).map((e) => e.operator), w.name as string).to.deep.equal(['NotIn']);
    }
    expect(log.lines().filter((l) => String(l.msg).startsWith('namespaces are not labelled'))).to.have.length(1);
  });

  it('a concurrent write (a caBundle patched meanwhile) fails the patch\'s test; re-read, the new entries carry the new caBundle', async () => {
    const api = cluster('b2xk');
    const store = new PolicyStore(builtinPolicy());
    store.setCluster(CETIC);
    api.beforeNextWrite = () => {
      const mwc = api.objects.get(MWC)!;
      for (const w of mwc.webhooks as Json[]) (w.clientConfig as Json).caBundle = 'bmV3';
      api.put(MWC, mwc);
    };
    const { f } = follow(api, store);
    await f.sync();
    await f.stop();
    expect(api.writes).to.deep.equal([{ method: 'PATCH', path: MWC }]);
    const webhooks = await webhooksOf(api);
    expect(webhooks).to.have.length(4);
    for (const w of webhooks) expect((w.clientConfig as Json).caBundle, w.name as string).to.equal('bmV3');
  });

  describe('with self-managed TLS writing the caBundles of the same object', () => {
    before(makeKeys);

    it('entries added between its read and its patch still get the caBundle; later entries copy it; neither writer undoes the other', async () => {
      const api = cluster(); // a fresh install: no caBundle yet
      const store = new PolicyStore(builtinPolicy());
      const tlsLog = memoryLogger();
      // The follower's write lands while TLS creates its Secret, after TLS read the configuration.
      api.beforeNextWrite = () => {
        const mwc = api.objects.get(MWC)!;
        mwc.webhooks = planWebhooks({ live: mwc.webhooks as Json[], policies: { fallback: builtinPolicy(), cluster: [CETIC] }, namespace: NS, namespaceNames: true }).webhooks;
        api.put(MWC, mwc);
      };
      const tls = startSelfManagedTls({
        api, namespace: NS, secretName: 'nifi-ca-guard-tls', webhookConfiguration: 'nifi-ca-guard', dnsNames: NAMES, timing: TIMING,
        syncIntervalMs: 60_000, isLeader: () => true, onPair: () => undefined, logger: tlsLog.logger, mint: testMint(),
      });
      await tls.sync();
      const bundle = certsOf(view((await api.get(SECRET))!).data[KEYS.bundle]!).map((c) => c.fingerprint);
      const caBundles = async (): Promise<string[][]> =>
        (await webhooksOf(api)).map((w) => certsOf(Buffer.from(String((w.clientConfig as Json).caBundle ?? ''), 'base64').toString()).map((c) => c.fingerprint));
      expect(await caBundles()).to.deep.equal([bundle, bundle, bundle, bundle]);
      // Its first patch (two entries, an older resourceVersion) was refused; re-read, it patched all four.
      expect(tlsLog.lines().filter((l) => l.msg === 'caBundle updated').map((l) => (l.webhooks as string[]).length)).to.deep.equal([4]);

      // The follower agrees with what is there (the cetic entries) and adds the next policy's, with the caBundle.
      store.setCluster(CETIC);
      store.setCluster(TEAM);
      const { f } = follow(api, store);
      await f.sync();
      expect(await caBundles()).to.deep.equal(Array(6).fill(bundle));
      const writes = api.writes.length;
      await tls.sync();
      await f.sync();
      expect(api.writes.length, 'both at rest: no more writes').to.equal(writes);
      await f.stop();
      await tls.stop();
    });
  });
});
