// Issue 11's warnings that need cluster knowledge (ClusterFacts, metadata only): required anti-affinity
// that cannot be satisfied, and a NiFi pod whose trust (or password) Secret is missing. Each case says
// where the warning applies, and where it does not (enough nodes, Secret present, a fact not known).
import { expect } from 'chai';
import { factsFrom, NO_FACTS, type ClusterFacts, type FactLists } from '../../src/mutation/facts.js';
import { mutatePod } from '../../src/mutation/mutate.js';
import type { Json } from '../../src/mutation/pod.js';
import { WARNING_LIMIT } from '../../src/mutation/warnings.js';
import { policyWith } from '../support/policy.js';

const NS = 'nifi';
const nifiPod = (extra: Json = {}): Json => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'nifi-0', labels: { app: 'nifi' } },
  spec: { containers: [{ name: 'nifi', image: 'apache/nifi:1.28.1', env: [{ name: 'AUTH', value: 'tls' }] }], ...extra },
});
const caPod = (): Json => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'nifi-ca-0', labels: { app: 'nifi-ca' } },
  spec: { containers: [{ name: 'ca', image: 'apache/nifi-toolkit:1.28.1', args: ['tls-toolkit.sh', 'server'] }] },
});
const hosts = (n: number): Array<Record<string, string>> =>
  Array.from({ length: n }, (_, i) => ({ 'kubernetes.io/hostname': `n${i}`, 'topology.kubernetes.io/zone': `z${i % 2}` }));
const nifiPods = (n: number, ns = NS): FactLists['pods'] => Array.from({ length: n }, () => ({ namespace: ns, labels: { app: 'nifi' } }));
const trustPresent = { secrets: new Set([`${NS}/nifi-ca-trust`]), secretsChecked: new Set([`${NS}/nifi-ca-trust`]) };

interface Case {
  name: string;
  pod: Json;
  spec?: unknown;
  facts: ClusterFacts;
  /** The warnings expected among the pod's (after the prefix), exactly these of the fact kind. */
  want: string[];
  /** The `cluster-problems` audit annotation; undefined: absent. */
  audit?: string;
}

const PLACEMENT = /required anti-affinity: \d+ /;
const SECRET = /(trust|password) Secret .* missing in /;

const cases: Case[] = [
  {
    name: 'NiFi pod, 2 nodes, 1 NiFi pod running: 2 NiFi + nifi-ca need 3',
    pod: nifiPod(),
    facts: factsFrom({ nodes: hosts(2), pods: nifiPods(1), ...trustPresent }),
    want: ['required anti-affinity: 2 nodes for 2 NiFi + nifi-ca; a pod may stay Pending; use preferred/add nodes'],
    audit: 'placement-unsatisfiable',
  },
  {
    name: 'NiFi pod, 3 nodes, 1 NiFi pod running: enough',
    pod: nifiPod(),
    facts: factsFrom({ nodes: hosts(3), pods: nifiPods(1), ...trustPresent }),
    want: [],
  },
  {
    name: 'nifi-ca pod, 3 nodes, 3 NiFi pods (the node-loss case of scenario 2)',
    pod: caPod(),
    facts: factsFrom({ nodes: hosts(3), pods: nifiPods(3) }),
    want: ['required anti-affinity: 3 nodes for 3 NiFi + nifi-ca; a pod may stay Pending; use preferred/add nodes'],
    audit: 'placement-unsatisfiable',
  },
  {
    name: 'nifi-ca pod, 4 nodes, 3 NiFi pods: enough',
    pod: caPod(),
    facts: factsFrom({ nodes: hosts(4), pods: nifiPods(3) }),
    want: [],
  },
  {
    name: 'nifi-ca pod, one node, no NiFi pod yet: it fits',
    pod: caPod(),
    facts: factsFrom({ nodes: hosts(1), pods: nifiPods(0) }),
    want: [],
  },
  {
    name: 'NiFi pod, one node: certain',
    pod: nifiPod(),
    facts: factsFrom({ nodes: hosts(1), pods: nifiPods(0), ...trustPresent }),
    want: ['required anti-affinity: 1 node for 1 NiFi + nifi-ca; a pod will stay Pending; use preferred/add nodes'],
    audit: 'placement-unsatisfiable',
  },
  {
    name: 'NiFi pods of another namespace do not count',
    pod: nifiPod(),
    facts: factsFrom({ nodes: hosts(2), pods: nifiPods(5, 'other'), ...trustPresent }),
    want: [],
  },
  {
    name: 'topology key zone: 2 zones among 5 nodes, 2 NiFi pods running',
    pod: nifiPod(),
    spec: { placement: { topologyKey: 'topology.kubernetes.io/zone' } },
    facts: factsFrom({ nodes: hosts(5), pods: nifiPods(2), ...trustPresent }),
    want: ['required anti-affinity: 2 zones for 3 NiFi + nifi-ca; a pod may stay Pending; use preferred/add nodes'],
    audit: 'placement-unsatisfiable',
  },
  {
    name: 'no node carries the topology key: the terms block nothing',
    pod: nifiPod(),
    spec: { placement: { topologyKey: 'example.com/rack' } },
    facts: factsFrom({ nodes: hosts(2), pods: nifiPods(4), ...trustPresent }),
    want: [],
  },
  {
    name: 'placement preferred: never Pending',
    pod: nifiPod(),
    spec: { placement: { mode: 'preferred' } },
    facts: factsFrom({ nodes: hosts(1), pods: nifiPods(4), ...trustPresent }),
    want: [],
  },
  {
    name: 'placement off',
    pod: nifiPod(),
    spec: { placement: { mode: 'off' } },
    facts: factsFrom({ nodes: hosts(1), pods: nifiPods(4), ...trustPresent }),
    want: [],
  },
  {
    name: 'malformed affinity (anti-affinity skipped): nothing of ours keeps it Pending',
    pod: nifiPod({ affinity: 'nope' }),
    facts: factsFrom({ nodes: hosts(1), pods: nifiPods(4), ...trustPresent }),
    want: [],
  },
  {
    name: 'nodes not known',
    pod: nifiPod(),
    facts: factsFrom({ pods: nifiPods(4), ...trustPresent }),
    want: [],
  },
  {
    name: 'pods not known',
    pod: caPod(),
    facts: factsFrom({ nodes: hosts(1) }),
    want: [],
  },
  {
    name: 'trust Secret known missing',
    pod: nifiPod(),
    facts: factsFrom({ secrets: new Set(), secretsChecked: new Set([`${NS}/nifi-ca-trust`]) }),
    want: ['trust Secret nifi-ca-trust missing in nifi: the pod waits in Init; run ca init'],
    audit: 'trust-secret-missing',
  },
  {
    name: 'trust Secret known missing, merge wiring',
    pod: nifiPod({
      initContainers: [{ name: 'cert-request', image: 'apache/nifi-toolkit:1.13.2', volumeMounts: [{ name: 'config-data', mountPath: '/data/config-data' }] }],
      volumes: [{ name: 'config-data', emptyDir: {} }],
      containers: [{ name: 'server', image: 'apache/nifi:1.13.2', volumeMounts: [{ name: 'config-data', mountPath: '/opt/nifi/data/config-data' }] }],
    }),
    spec: { trustBundle: { wiring: 'merge', merge: { after: 'cert-request', volume: 'config-data', store: 'certs/truststore.jks', passwordFile: 'certs/config.json', passwordKey: 'trustStorePassword' } } },
    facts: factsFrom({ secrets: new Set(), secretsChecked: new Set([`${NS}/nifi-ca-trust`]) }),
    want: ['trust Secret nifi-ca-trust missing in nifi: the pod waits in Init; run ca init'],
    audit: 'trust-secret-missing',
  },
  {
    name: 'trust Secret present',
    pod: nifiPod(),
    facts: factsFrom(trustPresent),
    want: [],
  },
  {
    name: 'trust Secret not known (another namespace checked)',
    pod: nifiPod(),
    facts: factsFrom({ secrets: new Set(), secretsChecked: new Set(['other/nifi-ca-trust']) }),
    want: [],
  },
  {
    name: 'trust bundle off',
    pod: nifiPod(),
    spec: { trustBundle: { enabled: false } },
    facts: factsFrom({ secrets: new Set(), secretsChecked: new Set([`${NS}/nifi-ca-trust`]) }),
    want: [],
  },
  {
    name: 'trust step skipped (volume name taken): nothing mounts the Secret',
    pod: nifiPod({ volumes: [{ name: 'nifi-ca-guard-bundle', emptyDir: {} }] }),
    facts: factsFrom({ secrets: new Set(), secretsChecked: new Set([`${NS}/nifi-ca-trust`]) }),
    want: [],
  },
  {
    name: 'password Secret known missing, trust Secret present',
    pod: nifiPod(),
    spec: { trustBundle: { password: { secretName: 'nifi-tls-pw', key: 'pw' } } },
    facts: factsFrom({ secrets: new Set([`${NS}/nifi-ca-trust`]), secretsChecked: new Set([`${NS}/nifi-ca-trust`, `${NS}/nifi-tls-pw`]) }),
    want: ['password Secret nifi-tls-pw missing in nifi: the pod fails (CreateContainerConfigError)'],
    audit: 'password-secret-missing',
  },
  {
    name: 'both Secrets missing, and too few nodes: three warnings',
    pod: nifiPod(),
    spec: { trustBundle: { password: { secretName: 'nifi-tls-pw', key: 'pw' } } },
    facts: factsFrom({ nodes: hosts(1), pods: nifiPods(0), secrets: new Set(), secretsChecked: new Set([`${NS}/nifi-ca-trust`, `${NS}/nifi-tls-pw`]) }),
    want: [
      'required anti-affinity: 1 node for 1 NiFi + nifi-ca; a pod will stay Pending; use preferred/add nodes',
      'trust Secret nifi-ca-trust missing in nifi: the pod waits in Init; run ca init',
      'password Secret nifi-tls-pw missing in nifi: the pod fails (CreateContainerConfigError)',
    ],
    audit: 'placement-unsatisfiable,trust-secret-missing,password-secret-missing',
  },
  {
    name: 'nothing known (NO_FACTS)',
    pod: nifiPod(),
    facts: NO_FACTS,
    want: [],
  },
];

describe('mutation: warnings from cluster facts', () => {
  for (const audit of [false, true]) {
    for (const c of cases) {
      it(`${audit ? 'audit' : 'enforce'}: ${c.want.length > 0 ? 'warns' : 'is silent'}: ${c.name}`, () => {
        const spec = { ...(c.spec as object | undefined), ...(audit ? { enforcement: 'audit' } : {}) };
        const r = mutatePod(structuredClone(c.pod), NS, policyWith(spec), c.facts);
        const got = r.warnings.map((w) => w.replace(/^nifi-ca-guard: /, '')).filter((w) => PLACEMENT.test(w) || SECRET.test(w));
        expect(got, r.warnings.join('\n')).to.deep.equal(c.want);
        for (const w of r.warnings) expect(w.length, w).to.be.below(WARNING_LIMIT);
        expect(r.auditAnnotations['cluster-problems']).to.equal(c.audit);
        if (audit) expect(r.patch, 'audit mode changes nothing').to.deep.equal([]);
      });
    }
  }

  it('the same pod with and without facts gets the same patch: facts only add warnings', () => {
    for (const c of cases) {
      const policy = policyWith(c.spec ?? {});
      const without = mutatePod(structuredClone(c.pod), NS, policy, NO_FACTS);
      const withFacts = mutatePod(structuredClone(c.pod), NS, policy, c.facts);
      expect(withFacts.patch, c.name).to.deep.equal(without.patch);
      expect(withFacts.steps, c.name).to.deep.equal(without.steps);
    }
  });

  it('with the default Secret name, a namespace of up to 30 characters is said whole (the e2e namespaces are 18)', () => {
    const ns = 'n'.repeat(30);
    const r = mutatePod(nifiPod(), ns, policyWith({}), factsFrom({ secrets: new Set(), secretsChecked: new Set([`${ns}/nifi-ca-trust`]) }));
    expect(r.warnings).to.include(`nifi-ca-guard: trust Secret nifi-ca-trust missing in ${ns}: the pod waits in Init; run ca init`);
  });

  it('long names are cut at the warning limit, never beyond', () => {
    const long = 'a'.repeat(60);
    const r = mutatePod(nifiPod(), long, policyWith({ trustBundle: { secretName: `trust-${long}` } }), factsFrom({ secrets: new Set(), secretsChecked: new Set([`${long}/trust-${long}`]) }));
    const w = r.warnings.find((x) => x.startsWith('nifi-ca-guard: trust Secret'));
    expect(w).to.be.a('string');
    expect(w!.length).to.be.below(WARNING_LIMIT);
  });
});
