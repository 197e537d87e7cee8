import { expect } from 'chai';
import type { Json } from '../../src/json.js';
import type { PatchOp } from '../support/rfc6902.js';
import { foreignChanges, foreignOps } from './owned.js';

// The fuzz's ownership checks must accept what the webhook does and refuse anything else.
const pod = (): Json => ({
  metadata: { name: 'p', labels: { app: 'nifi' }, annotations: { 'a/b': 'x' } },
  spec: {
    containers: [{ name: 'nifi', image: 'apache/nifi', env: [{ name: 'A', value: '1' }], volumeMounts: [] }],
    volumes: [{ name: 'data', emptyDir: {} }],
    affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { x: 'y' } }, topologyKey: 'k' }] } },
  },
});

const term = { labelSelector: { matchLabels: { app: 'nifi-ca' } }, topologyKey: 'kubernetes.io/hostname', namespaces: ['nifi'] };

describe('fuzz ownership checks (test/fuzz/owned.ts)', () => {
  it("accepts the webhook's own additions, in front of or after the user's items", () => {
    const before = pod();
    const after = structuredClone(before) as any;
    after.metadata.annotations['nifi-ca-guard.io/role'] = 'nifi';
    after.spec.volumes.unshift({ name: 'nifi-ca-guard-bundle', secret: { secretName: 's' } });
    after.spec.initContainers = [{ name: 'nifi-ca-guard-truststore', image: 'i' }];
    after.spec.containers[0].env.push({ name: 'TRUSTSTORE_PATH', value: '/p' });
    after.spec.containers[0].volumeMounts.push({ name: 'nifi-ca-guard-truststore', mountPath: '/opt/nifi/trust' });
    after.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution.push(term);
    expect(foreignChanges(before, after)).to.deep.equal([]);
    const ops: PatchOp[] = [
      { op: 'add', path: '/metadata/annotations/nifi-ca-guard.io~1role', value: 'nifi' },
      { op: 'add', path: '/spec/volumes/0', value: {} },
      { op: 'add', path: '/spec/initContainers', value: [] },
      { op: 'add', path: '/spec/containers/0/env/1', value: {} },
    ];
    expect(foreignOps(before, ops)).to.deep.equal([]);
  });

  const refused: { name: string; change: (p: any) => void; want: RegExp; before?: (p: any) => void }[] = [
    { name: 'a user label changed', change: (p) => (p.metadata.labels.app = 'x'), want: /pod\.metadata\.labels changed/ },
    { name: 'a user annotation removed', change: (p) => delete p.metadata.annotations['a/b'], want: /annotations\["a\/b"\] was removed/ },
    { name: 'a foreign annotation added', change: (p) => (p.metadata.annotations['nifi-ca-guard.io/other'] = 'x'), want: /changed/ },
    { name: 'a user volume replaced', change: (p) => (p.spec.volumes[0] = { name: 'nifi-ca-guard-bundle' }), want: /user item 0 is gone/ },
    { name: 'a user env entry edited', change: (p) => (p.spec.containers[0].env[0].value = '2'), want: /env: user item 0/ },
    { name: 'a foreign env entry appended', change: (p) => p.spec.containers[0].env.push({ name: 'X' }), want: /neither the user's/ },
    { name: 'a container image changed', change: (p) => (p.spec.containers[0].image = 'x'), want: /containers\[0\]\.image changed/ },
    { name: 'a container added', change: (p) => p.spec.containers.push({ name: 'c' }), want: /containers changed shape/ },
    { name: 'a set workingDir overwritten', before: (p) => (p.spec.containers[0].workingDir = '/mine'), change: (p) => (p.spec.containers[0].workingDir = '/x'), want: /workingDir overwritten/ },
    { name: 'a user term dropped', change: (p) => (p.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution = [term]), want: /user item 0 is gone/ },
  ];
  for (const c of refused) {
    it(`refuses: ${c.name}`, () => {
      const before = pod();
      c.before?.(before);
      const after = structuredClone(before);
      c.change(after);
      expect(foreignChanges(before, after).join(' | ')).to.match(c.want);
    });
  }

  it('refuses operations that remove, replace a user value or a whole list, add over a value, or leave the owned paths', () => {
    const before = pod();
    const ops: PatchOp[] = [
      { op: 'remove', path: '/spec/volumes/0' },
      { op: 'replace', path: '/spec/volumes', value: [] },
      { op: 'add', path: '/spec/affinity', value: {} },
      { op: 'add', path: '/spec/hostname', value: 'h' },
    ];
    expect(foreignOps(before, ops)).to.deep.equal([
      'remove /spec/volumes/0: the webhook only adds',
      'replace /spec/volumes: replaces a whole list',
      'add /spec/affinity: over an existing value',
      'add /spec/hostname: not an owned path',
    ]);
  });
});
