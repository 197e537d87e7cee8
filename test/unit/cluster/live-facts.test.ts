// The cluster-fact watches against a real HTTPS server playing the API's metadata list/watch
// (test/support/meta-api.ts): metadata media types only, paged lists, events, 410 Gone, cut connections,
// 403; and ClusterFacts (factsFrom) over what they hold, following the policies in force.
import { expect } from 'chai';
import { labelSelectorQuery } from '../../../src/cluster/label-query.js';
import { startLiveFacts, type LiveFacts } from '../../../src/cluster/live-facts.js';
import { MetadataWatch } from '../../../src/cluster/metadata-watch.js';
import { createLogger } from '../../../src/log.js';
import { singlePolicy, type PolicySet } from '../../../src/policy/policy-set.js';
import { LogCapture } from '../../support/logs.js';
import { MetaApi } from '../../support/meta-api.js';
import { policyWith } from '../../support/policy.js';
import { eventually } from '../../support/wait.js';

const NODES = '/api/v1/nodes';
const PODS = '/api/v1/pods';
const SECRETS = '/api/v1/secrets';
const FAST = { backoff: { initialMs: 20, maxMs: 50, forbiddenMs: 50 }, pageSize: 2 };
/** Polls `probe` until it gives a value; `what` names the wait when it times out. */
const until = <T>(what: string, probe: () => T | undefined): Promise<T> =>
  eventually(() => {
    const got = probe();
    if (got === undefined) throw new Error(`timed out waiting: ${what}`);
    return got;
  }, 5000, 10);

describe('cluster facts: labelSelector query strings', () => {
  const cases: Array<[string, Parameters<typeof labelSelectorQuery>[0], string]> = [
    ['matchLabels, sorted by key', { matchLabels: { b: '2', a: '1' } }, 'a=1,b=2'],
    ['In, values sorted', { matchExpressions: [{ key: 'app', operator: 'In', values: ['nifi', 'cetic'] }] }, 'app in (cetic,nifi)'],
    ['NotIn', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] }, 'tier notin (x)'],
    ['Exists', { matchExpressions: [{ key: 'release', operator: 'Exists' }] }, 'release'],
    ['DoesNotExist', { matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] }, '!canary'],
    ['labels and expressions: AND', { matchLabels: { app: 'nifi' }, matchExpressions: [{ key: 'release', operator: 'Exists' }] }, 'app=nifi,release'],
  ];
  for (const [name, selector, want] of cases) it(`${name}: ${want}`, () => expect(labelSelectorQuery(selector)).to.equal(want));
});

describe('cluster facts: a metadata list+watch over HTTPS', function () {
  this.timeout(20_000);
  let api: MetaApi;
  let logs: LogCapture;
  let watch: MetadataWatch | undefined;

  beforeEach(async () => {
    api = new MetaApi();
    await api.start();
    logs = new LogCapture();
  });
  afterEach(async () => {
    watch?.stop();
    await watch?.done;
    watch = undefined;
    await api.close();
  });

  const start = (path: string, extra: Partial<ConstructorParameters<typeof MetadataWatch>[0]> = {}): MetadataWatch =>
    (watch = new MetadataWatch({ kubeconfig: api.kubeconfig(), path, what: path, logger: createLogger('debug', logs), ...FAST, ...extra }));

  it('lists in pages and watches with the metadata media types, keeping only namespace, name and labels', async () => {
    api.set(NODES, [1, 2, 3, 4, 5].map((i) => ({ name: `n${i}`, labels: { 'kubernetes.io/hostname': `n${i}` } })));
    const w = start(NODES);
    expect(w.current(), 'not known before the list').to.equal(undefined);
    await until('listed', () => w.current());
    expect([...w.current()!.keys()]).to.deep.equal(['n1', 'n2', 'n3', 'n4', 'n5']);
    expect(api.lists(NODES).map((r) => r.query.get('continue') ?? '')).to.deep.equal(['', '2', '4']);
    expect(w.current()!.get('n1')).to.deep.equal({ namespace: '', name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } });
    await until('a watch open', () => api.openWatches(NODES)[0]);
    expect(api.openWatches(NODES)[0]!.get('allowWatchBookmarks')).to.equal('true');

    api.upsert(NODES, { name: 'n6', labels: { zone: 'a' } });
    api.remove(NODES, 'n1');
    await until('events applied', () => (w.current()!.has('n6') && !w.current()!.has('n1') ? true : undefined));
    // The annotations (a Secret's last-applied-configuration would hold its data) are never kept.
    expect(JSON.stringify([...w.current()!.values()])).to.not.include('last-applied');
    expect(api.requests.every((r) => r.status === 200)).to.equal(true);
  });

  it('pods: a label selector goes to the server; a pod being deleted is left out', async () => {
    api.set(PODS, [
      { name: 'nifi-0', namespace: 'a', labels: { app: 'nifi' } },
      { name: 'nifi-1', namespace: 'a', labels: { app: 'nifi' }, deletionTimestamp: '2026-01-01T00:00:00Z' },
      { name: 'zk-0', namespace: 'a', labels: { app: 'zk' } },
    ]);
    const w = start(PODS, { labelSelector: 'app=nifi', skip: (m) => m.deletionTimestamp !== undefined });
    await until('listed', () => w.current());
    expect([...w.current()!.keys()]).to.deep.equal(['a/nifi-0']);
    expect(api.lists(PODS)[0]!.query.get('labelSelector')).to.equal('app=nifi');
    await until('a watch open', () => api.openWatches(PODS)[0]);
    api.upsert(PODS, { name: 'nifi-0', namespace: 'a', labels: { app: 'nifi' }, deletionTimestamp: '2026-01-01T00:00:00Z' });
    await until('the deleting pod dropped', () => (w.current()!.size === 0 ? true : undefined));
  });

  it('410 Gone ends the watch: it lists afresh at once and stays known', async () => {
    api.set(NODES, [{ name: 'n1' }]);
    const w = start(NODES);
    await until('a watch open', () => api.openWatches(NODES)[0]);
    api.set(NODES, [{ name: 'n1' }, { name: 'n2' }]); // changed while the watch could not tell
    api.expire(NODES);
    await until('relisted', () => (w.current()?.has('n2') ? true : undefined));
    expect(api.lists(NODES)).to.have.length(2);
    expect(logs.text()).to.not.include('failed');
  });

  it('a cut connection makes it "not known" until listed again', async () => {
    api.set(NODES, [{ name: 'n1' }]);
    const w = start(NODES, { backoff: { initialMs: 300, maxMs: 300, forbiddenMs: 300 } });
    await until('a watch open', () => api.openWatches(NODES)[0]);
    api.cut(NODES);
    await until('not known', () => (w.current() === undefined ? true : undefined));
    await until('known again', () => w.current());
    expect(logs.records().some((r) => r.msg === 'cluster facts: list or watch failed; not known until listed again')).to.equal(true);
  });

  it('403: not known, said once in the log however often it is retried', async () => {
    api.set(SECRETS, [{ name: 'other-trust', namespace: 'a' }]);
    api.forbid(SECRETS);
    const w = start(SECRETS, { fieldSelector: 'metadata.name=other-trust' });
    await until('three refusals', () => (api.requests.filter((r) => r.status === 403).length >= 3 ? true : undefined));
    expect(w.current()).to.equal(undefined);
    const said = logs.records().filter((r) => r.msg === 'cluster facts: forbidden by RBAC; not known (no warnings that need it)');
    expect(said).to.have.length(1);
    expect(said[0]!.error).to.match(/HTTP 403: .* is forbidden/);
    api.forbid(SECRETS, false);
    await until('known once allowed', () => w.current());
    expect([...w.current()!.keys()]).to.deep.equal(['a/other-trust']);
    expect(api.lists(SECRETS).at(-1)!.query.get('fieldSelector')).to.equal('metadata.name=other-trust');
  });
});

describe('cluster facts: ClusterFacts from the watches, following the policies', function () {
  this.timeout(20_000);
  let api: MetaApi;
  let live: LiveFacts | undefined;
  beforeEach(async () => {
    api = new MetaApi();
    await api.start();
  });
  afterEach(async () => {
    await live?.stop();
    live = undefined;
    await api.close();
  });

  const nifi = [{ matchLabels: { app: 'nifi' } }];

  it('answers from the watches; a selector without a listed watch is "not known"; a policy change restarts the watches', async () => {
    api.set(NODES, [{ name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } }, { name: 'n2', labels: { 'kubernetes.io/hostname': 'n2' } }]);
    api.set(PODS, [
      { name: 'nifi-0', namespace: 'a', labels: { app: 'nifi' } },
      { name: 'nifi-1', namespace: 'a', labels: { app: 'nifi', 'app.kubernetes.io/name': 'nifi' } },
      { name: 'other-0', namespace: 'a', labels: { app: 'other' } },
    ]);
    api.set(SECRETS, [{ name: 'nifi-ca-trust', namespace: 'a' }, { name: 'bundle', namespace: 'b' }]);
    let policies: PolicySet = singlePolicy(policyWith({}));
    live = startLiveFacts({ kubeconfig: api.kubeconfig(), policies: () => policies, logger: createLogger('silent'), followEveryMs: 20, watch: FAST });
    const f = await until('every watch listed', () => {
      const facts = live!.facts();
      return facts.topologyDomains('kubernetes.io/hostname') !== undefined && facts.podsMatching('a', nifi) !== undefined && facts.secretExists('a', 'nifi-ca-trust') !== undefined ? facts : undefined;
    });
    expect(live.watching()).to.deep.equal(['nodes', 'pods app=nifi', 'pods app.kubernetes.io/name=nifi', 'Secrets named nifi-ca-trust']);
    expect(f.topologyDomains('kubernetes.io/hostname')).to.equal(2);
    expect(f.podsMatching('a', nifi)).to.equal(2);
    expect(f.podsMatching('a', [...nifi, { matchLabels: { 'app.kubernetes.io/name': 'nifi' } }]), 'a pod both select counts once').to.equal(2);
    expect(f.podsMatching('b', nifi)).to.equal(0);
    expect(f.podsMatching('a', [{ matchLabels: { app: 'other' } }]), 'no watch for that selector').to.equal(undefined);
    expect(f.secretExists('a', 'nifi-ca-trust')).to.equal(true);
    expect(f.secretExists('b', 'nifi-ca-trust')).to.equal(false);
    expect(f.secretExists('b', 'bundle'), 'not watched').to.equal(undefined);
    expect(live.facts(), 'the same answers object while nothing changes').to.equal(f);

    // The stand-in does not replay events from a resourceVersion as the API server does: wait for the watches.
    await until('pod watches open', () => (api.openWatches(PODS).length === 2 ? true : undefined));
    api.upsert(PODS, { name: 'nifi-2', namespace: 'a', labels: { app: 'nifi' } });
    await until('the new pod counted', () => (live!.facts().podsMatching('a', nifi) === 3 ? true : undefined));

    // A policy for other labels and another trust Secret: its watches start, the old ones stop.
    policies = singlePolicy(policyWith({ nifi: { selectors: [{ matchLabels: { app: 'other' } }] }, trustBundle: { secretName: 'bundle' } }));
    await until('followed', () => (live!.facts().secretExists('b', 'bundle') === true && live!.facts().podsMatching('a', [{ matchLabels: { app: 'other' } }]) === 1 ? true : undefined));
    expect(live.watching()).to.deep.equal(['nodes', 'pods app=other', 'Secrets named bundle']);
    expect(live.facts().podsMatching('a', nifi)).to.equal(undefined);
    await until('old watches closed', () => (api.openWatches(PODS).every((q) => q.get('labelSelector') === 'app=other') && api.openWatches(SECRETS).length === 1 ? true : undefined));
  });
});
