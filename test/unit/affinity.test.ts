import { expect } from 'chai';
import { planAntiAffinity } from '../../src/mutation/affinity.js';
import type { Json } from '../../src/mutation/pod.js';
import type { LabelSelector } from '../../src/policy/types.js';

const NIFI: LabelSelector[] = [{ matchLabels: { app: 'nifi' } }];
const required = { mode: 'required' as const, topologyKey: 'kubernetes.io/hostname', weight: 100 };
const preferred = { mode: 'preferred' as const, topologyKey: 'topology.kubernetes.io/zone', weight: 40 };
const term = (ns = 'nifi', topologyKey = 'kubernetes.io/hostname') => ({ labelSelector: { matchLabels: { app: 'nifi' } }, topologyKey, namespaces: [ns] });

describe('anti-affinity planner', () => {
  const cases: Array<{ name: string; spec: Json; placement: typeof required | typeof preferred; state: string; anti: unknown }> = [
    { name: 'required on a bare pod', spec: {}, placement: required, state: 'added', anti: { requiredDuringSchedulingIgnoredDuringExecution: [term()] } },
    {
      name: 'preferred on a bare pod',
      spec: {},
      placement: preferred,
      state: 'added',
      anti: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 40, podAffinityTerm: term('nifi', 'topology.kubernetes.io/zone') }] },
    },
    {
      name: 'keeps user terms and appends',
      spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { x: 'y' } }, topologyKey: 'zone' }] } } },
      placement: required,
      state: 'added',
      anti: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { x: 'y' } }, topologyKey: 'zone' }, term()] },
    },
    {
      name: 'an equal user term without namespaces counts as present',
      spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'nifi' } } }] } } },
      placement: required,
      state: 'present',
      anti: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'nifi' } } }] },
    },
    {
      name: 'a required term satisfies preferred',
      spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('nifi', 'topology.kubernetes.io/zone')] } } },
      placement: preferred,
      state: 'present',
      anti: { requiredDuringSchedulingIgnoredDuringExecution: [term('nifi', 'topology.kubernetes.io/zone')] },
    },
    {
      name: 'a preferred term does not satisfy required',
      spec: { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: term() }] } } },
      placement: required,
      state: 'added',
      anti: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: term() }], requiredDuringSchedulingIgnoredDuringExecution: [term()] },
    },
    { name: 'null affinity is created', spec: { affinity: null }, placement: required, state: 'added', anti: { requiredDuringSchedulingIgnoredDuringExecution: [term()] } },
    { name: 'malformed affinity is left alone', spec: { affinity: 'oops' }, placement: required, state: 'skipped', anti: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const pod: Json = { metadata: {}, spec: structuredClone(c.spec) };
      const out = planAntiAffinity(pod, NIFI, 'nifi', c.placement, 'NiFi');
      expect(out.state).to.equal(c.state);
      const anti = ((pod.spec as Json).affinity as Json | undefined)?.podAntiAffinity;
      expect(typeof (pod.spec as Json).affinity === 'string' ? undefined : anti).to.deep.equal(c.anti);
      if (c.state === 'skipped') expect(out.warnings[0]).to.match(/malformed/);
    });
  }

  it('adds one term per selector and is idempotent', () => {
    const pod: Json = { spec: {} };
    const selectors: LabelSelector[] = [{ matchLabels: { app: 'nifi' } }, { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['nifi'] }] }];
    planAntiAffinity(pod, selectors, 'nifi', required, 'NiFi');
    const once = structuredClone(pod);
    const again = planAntiAffinity(pod, selectors, 'nifi', required, 'NiFi');
    expect(again.state).to.equal('present');
    expect(pod).to.deep.equal(once);
    expect((((pod.spec as Json).affinity as Json).podAntiAffinity as Json).requiredDuringSchedulingIgnoredDuringExecution).to.have.length(2);
  });
});
