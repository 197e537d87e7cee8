import { expect } from 'chai';
import { applyClusterEvent } from '../../src/policy/cluster-events.js';
import { builtinPolicy } from '../../src/policy/load.js';
import { resolvePolicy } from '../../src/policy/policy-set.js';
import { PolicyStore } from '../../src/policy/store.js';
import { mutateUnder } from '../../src/mutation/resolve.js';
import type { Json } from '../../src/mutation/pod.js';

const cr = (name: string, spec: Json): Json => ({
  apiVersion: 'nifi-ca-guard.io/v1alpha1',
  kind: 'NiFiTrustPolicy',
  metadata: { name, uid: 'u', resourceVersion: '7', creationTimestamp: '2026-11-25T00:00:00Z' },
  spec,
});
const pod = (labels: Record<string, string>): Json => ({ metadata: { name: 'p', labels }, spec: { containers: [{ name: 'nifi', image: 'x' }] } });

describe('cluster policies', () => {
  function storeWith(...objs: Json[]): PolicyStore {
    const store = new PolicyStore(builtinPolicy());
    for (const o of objs) expect(applyClusterEvent(store, 'add', o).result).to.equal('in-force');
    return store;
  }

  const resolution = [
    { name: 'no cluster policy: the fallback', objs: [], ns: 'nifi', want: 'default' },
    { name: 'a namespace nobody claims: the fallback', objs: [cr('prod', { namespaces: ['prod-*'] })], ns: 'staging', want: 'default' },
    { name: 'the one claiming policy', objs: [cr('prod', { namespaces: ['prod-*'] }), cr('dev', { namespaces: ['dev'] })], ns: 'prod-eu', want: 'prod' },
    { name: 'two claiming policies: a conflict', objs: [cr('a', { namespaces: ['nifi'] }), cr('b', {})], ns: 'nifi', want: 'conflict: a, b' },
  ];
  for (const c of resolution) {
    it(`resolves ${c.name}`, () => {
      const r = resolvePolicy(storeWith(...c.objs).snapshot(), c.ns);
      expect(r.kind === 'policy' ? r.policy.name : `conflict: ${r.policies.map((p) => p.name).join(', ')}`).to.equal(c.want);
    });
  }

  it('applies the governing policy to the pod', () => {
    const store = storeWith(cr('prod', { namespaces: ['prod-*'], trustBundle: { format: 'jks' } }));
    const r = mutateUnder(pod({ app: 'nifi' }), 'prod-eu', store.snapshot());
    expect(r.auditAnnotations.features).to.equal('anti-affinity=required,trust-bundle=jks');
  });

  it('leaves a NiFi pod alone, with a warning, when policies conflict; stays quiet for unrelated pods', () => {
    const set = storeWith(cr('a', { namespaces: ['nifi'] }), cr('b', { namespaces: ['ni*'] })).snapshot();
    const nifi = mutateUnder(pod({ app: 'nifi' }), 'nifi', set);
    expect(nifi.patch).to.deep.equal([]);
    expect(nifi.warnings).to.deep.equal(['nifi-ca-guard: namespace nifi is claimed by policies a, b; not mutated']);
    const web = mutateUnder(pod({ app: 'web' }), 'nifi', set);
    expect(web.warnings).to.deep.equal([]);
  });

  it('keeps the last good version of a policy when an update is invalid, and drops it on delete', () => {
    const store = storeWith(cr('prod', { namespaces: ['prod'], placement: { mode: 'preferred' } }));
    const bad = applyClusterEvent(store, 'update', cr('prod', { namespaces: ['prod'], ca: { selectors: [{}] } }));
    expect(bad).to.deep.equal({
      result: 'rejected',
      policy: 'prod',
      issues: ['spec.ca.selectors[0]: must not be empty: an empty selector matches every pod'],
      keeping: true,
    });
    expect(store.clusterPolicy('prod')?.spec.placement.mode).to.equal('preferred');
    expect(applyClusterEvent(store, 'delete', cr('prod', {}))).to.deep.equal({ result: 'removed', policy: 'prod' });
    expect(store.snapshot().cluster).to.deep.equal([]);
  });

  it("fills the webhook's init image into cluster policies that name none; a named image wins", () => {
    const store = new PolicyStore(builtinPolicy({ initImage: 'reg.io/guard:2' }), { initImage: 'reg.io/guard:2' });
    expect(store.current().spec.trustBundle.initContainer.image).to.equal('reg.io/guard:2');
    expect(store.current().spec.caPinning.initContainer.image).to.equal('reg.io/guard:2');
    applyClusterEvent(store, 'add', cr('plain', { namespaces: ['a'] }));
    applyClusterEvent(store, 'add', cr('named', { namespaces: ['b'], trustBundle: { initContainer: { image: 'mine:1' } } }));
    applyClusterEvent(store, 'add', cr('pinning', { namespaces: ['c'], caPinning: { initContainer: { image: 'pin:1' } } }));
    const images = (name: string) => {
      const spec = store.clusterPolicy(name)!.spec;
      return [spec.trustBundle.initContainer.image, spec.caPinning.initContainer.image];
    };
    expect(images('plain')).to.deep.equal(['reg.io/guard:2', 'reg.io/guard:2']);
    // CA pinning follows the trust bundle's image unless it names its own.
    expect(images('named')).to.deep.equal(['mine:1', 'mine:1']);
    expect(images('pinning')).to.deep.equal(['reg.io/guard:2', 'pin:1']);
    // Without an init image: this build's own.
    expect(builtinPolicy().spec.trustBundle.initContainer.image).to.match(/^nifi-ca-guard:\d+\.\d+\.\d+/);
  });

  it('refuses an invalid new policy outright', () => {
    const store = storeWith();
    const r = applyClusterEvent(store, 'add', cr('typo', { enforcment: 'audit' }));
    expect(r).to.deep.equal({ result: 'rejected', policy: 'typo', issues: ['spec.enforcment: unknown field'], keeping: false });
    expect(store.snapshot().cluster).to.deep.equal([]);
  });

  it('ignores an object without a name', () => {
    expect(applyClusterEvent(storeWith(), 'add', { spec: {} }).result).to.equal('ignored');
  });
});
