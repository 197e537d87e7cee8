import { expect } from 'chai';
import type { Json } from '../../../src/mutation/pod.js';
import { builtinPolicy } from '../../../src/policy/load.js';
import type { Policy } from '../../../src/policy/types.js';
import { validatePolicy } from '../../../src/policy/validate.js';
import { coverage } from '../../../src/preview/coverage.js';
import { looksLike } from '../../../src/preview/looks.js';
import { previewObject } from '../../../src/preview/preview.js';

function policy(spec: unknown, name = 't'): Policy {
  const r = validatePolicy({ apiVersion: 'nifi-ca-guard.io/v1alpha1', kind: 'NiFiTrustPolicy', metadata: { name }, spec });
  if (!r.ok) throw new Error(r.issues.join('; '));
  return r.policy;
}

// Containers as the installations in the field run them (examples/).
const CA = { name: 'ca', image: 'apache/nifi-toolkit:1.12.1', command: ['sh', '-c', 'exec ${NIFI_TOOLKIT_HOME}/bin/tls-toolkit.sh server -c nifi-ca -t token -p 9090'] };
const NIFI = { name: 'server', image: 'apache/nifi:1.12.1' };
const ZK = { name: 'zookeeper', image: 'docker.io/bitnami/zookeeper:3.6.2' };
const REGISTRY = { name: 'registry', image: 'apache/nifi-registry:0.8.0', command: ['bash', '-ce', '${NIFI_REGISTRY_BASE_DIR}/scripts/start.sh'] };

function workload(kind: string, name: string, labels: Record<string, string>, containers: Json[], namespace?: string): Json {
  const metadata = { name, ...(namespace ? { namespace } : {}) };
  if (kind === 'Pod') return { apiVersion: 'v1', kind, metadata: { ...metadata, labels }, spec: { containers } };
  return { apiVersion: 'apps/v1', kind, metadata, spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers } } } };
}

const DEFAULT_SELECTORS = 'spec.nifi.selectors (app=nifi | app.kubernetes.io/name=nifi) or spec.ca.selectors (app=nifi-ca | app.kubernetes.io/name=nifi-ca)';
const CETIC_CA = workload('Deployment', 'nifi-ca', { app: 'ca-ca', release: 'nifi' }, [CA]);
const CETIC_NIFI = workload('StatefulSet', 'nifi', { app: 'nifi', release: 'nifi' }, [NIFI]);
const CA_MISSED = 'nifi-ca-guard: spec.ca.selectors match no CA workload here (Deployment/nifi-ca has app=ca-ca,release=nifi)';

interface Expected {
  /** ref -> the one report line. */
  lines?: Record<string, string>;
  /** ref -> warnings coverage adds (not the mutation's own). */
  warnings?: Record<string, string[]>;
  unmatched?: string[];
}

describe('preview: coverage (what preview did not do)', () => {
  const cases: Array<{ name: string; objects: Json[]; policy?: Policy; namespace?: string; expect: Expected }> = [
    {
      name: 'an unrelated pod: a line, no tail, not unmatched',
      objects: [workload('Pod', 'web', { app: 'web' }, [{ name: 'web', image: 'nginx:1.27' }])],
      expect: { lines: { 'Pod/web': `nifi-ca-guard: Pod/web: no role: pod labels app=web match no ${DEFAULT_SELECTORS}` } },
    },
    {
      name: 'a pod with no labels',
      objects: [workload('Pod', 'bare', {}, [ZK])],
      expect: { lines: { 'Pod/bare': `nifi-ca-guard: Pod/bare: no role: pod labels <none> match no ${DEFAULT_SELECTORS}` } },
    },
    {
      name: 'the cetic CA alone: it looks like a nifi-ca',
      objects: [CETIC_CA],
      expect: {
        lines: { 'Deployment/nifi-ca': `nifi-ca-guard: Deployment/nifi-ca: no role: pod labels app=ca-ca,release=nifi match no ${DEFAULT_SELECTORS}; it looks like a nifi-ca (tls-toolkit.sh server)` },
        unmatched: ['Deployment/nifi-ca'],
      },
    },
    {
      name: 'a NiFi StatefulSet with other labels: it looks like NiFi',
      objects: [workload('StatefulSet', 'nifi', { app: 'nifi-node' }, [NIFI])],
      expect: {
        lines: { 'StatefulSet/nifi': `nifi-ca-guard: StatefulSet/nifi: no role: pod labels app=nifi-node match no ${DEFAULT_SELECTORS}; it looks like NiFi (container server)` },
        unmatched: ['StatefulSet/nifi'],
      },
    },
    {
      name: "selectors with expressions are written as kubectl writes them",
      objects: [workload('Pod', 'zk', { app: 'zk' }, [ZK])],
      policy: policy({
        nifi: { selectors: [{ matchLabels: { app: 'nifi' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['registry', 'ca'] }] }] },
        ca: { selectors: [{ matchExpressions: [{ key: 'app', operator: 'In', values: ['nifi-ca', 'ca-ca'] }] }, { matchExpressions: [{ key: 'nifi-ca', operator: 'Exists' }, { key: 'skip', operator: 'DoesNotExist' }] }] },
      }),
      expect: { lines: { 'Pod/zk': 'nifi-ca-guard: Pod/zk: no role: pod labels app=zk match no spec.nifi.selectors (app=nifi,tier notin (ca,registry)) or spec.ca.selectors (app in (ca-ca,nifi-ca) | nifi-ca,!skip)' } },
    },
    {
      name: 'outside the policy namespaces: the namespace line, unmatched when it looks like NiFi',
      objects: [workload('StatefulSet', 'nifi', { app: 'nifi' }, [NIFI], 'other'), workload('Deployment', 'web', { app: 'web' }, [{ name: 'web', image: 'nginx' }], 'other')],
      policy: policy({ namespaces: ['nifi', 'prod-*'] }, 'default'),
      expect: {
        lines: {
          'StatefulSet/nifi': 'nifi-ca-guard: StatefulSet/nifi: namespace other is outside policy default (spec.namespaces: nifi, prod-*)',
          'Deployment/web': 'nifi-ca-guard: Deployment/web: namespace other is outside policy default (spec.namespaces: nifi, prod-*)',
        },
        unmatched: ['StatefulSet/nifi'],
      },
    },
    {
      name: 'the -n namespace counts for objects that name none',
      objects: [workload('StatefulSet', 'nifi', { app: 'nifi' }, [NIFI])],
      policy: policy({ namespaces: ['nifi'] }, 'p'),
      namespace: 'default',
      expect: { lines: { 'StatefulSet/nifi': 'nifi-ca-guard: StatefulSet/nifi: namespace default is outside policy p (spec.namespaces: nifi)' }, unmatched: ['StatefulSet/nifi'] },
    },
    {
      name: 'both roles: no line (the mutation warns), but unmatched',
      objects: [workload('Pod', 'confused', { app: 'nifi', 'app.kubernetes.io/name': 'nifi-ca' }, [NIFI])],
      expect: { unmatched: ['Pod/confused'] },
    },
    {
      name: 'objects that create no pods, or have no template, get nothing',
      objects: [
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nifi-ca', labels: { app: 'ca-ca' } }, spec: { selector: { app: 'ca-ca' } } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nifi-config' }, data: {} },
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'broken' }, spec: {} },
      ],
      expect: {},
    },
    {
      name: 'matched workloads get nothing',
      objects: [workload('Deployment', 'nifi-ca', { app: 'nifi-ca' }, [CA]), workload('StatefulSet', 'nifi', { app: 'nifi' }, [NIFI])],
      expect: {},
    },
    {
      name: 'cetic: the missed CA warns the NiFi items, in the Deployment order, zookeeper and registry stay quiet',
      objects: [CETIC_CA, workload('StatefulSet', 'nifi-registry', { 'app.kubernetes.io/name': 'registry' }, [REGISTRY]), workload('StatefulSet', 'nifi-zookeeper', { 'app.kubernetes.io/name': 'zookeeper' }, [ZK]), CETIC_NIFI],
      expect: {
        lines: {
          'Deployment/nifi-ca': `nifi-ca-guard: Deployment/nifi-ca: no role: pod labels app=ca-ca,release=nifi match no ${DEFAULT_SELECTORS}; it looks like a nifi-ca (tls-toolkit.sh server)`,
          'StatefulSet/nifi-registry': `nifi-ca-guard: StatefulSet/nifi-registry: no role: pod labels app.kubernetes.io/name=registry match no ${DEFAULT_SELECTORS}`,
          'StatefulSet/nifi-zookeeper': `nifi-ca-guard: StatefulSet/nifi-zookeeper: no role: pod labels app.kubernetes.io/name=zookeeper match no ${DEFAULT_SELECTORS}`,
        },
        warnings: { 'StatefulSet/nifi': [CA_MISSED] },
        unmatched: ['Deployment/nifi-ca'],
      },
    },
    {
      name: 'the mirror: a missed NiFi warns the nifi-ca items',
      objects: [workload('Deployment', 'nifi-ca', { app: 'nifi-ca' }, [CA]), workload('StatefulSet', 'nifi', { app: 'nifi-node', release: 'r' }, [NIFI])],
      expect: {
        lines: { 'StatefulSet/nifi': `nifi-ca-guard: StatefulSet/nifi: no role: pod labels app=nifi-node,release=r match no ${DEFAULT_SELECTORS}; it looks like NiFi (container server)` },
        warnings: { 'Deployment/nifi-ca': ['nifi-ca-guard: spec.nifi.selectors match no NiFi workload here (StatefulSet/nifi has app=nifi-node,release=r)'] },
        unmatched: ['StatefulSet/nifi'],
      },
    },
    {
      name: 'every NiFi item is warned; a second missed CA is counted',
      objects: [CETIC_CA, workload('ReplicaSet', 'ca2', { app: 'ca2' }, [CA]), CETIC_NIFI, workload('Pod', 'nifi-0', { app: 'nifi' }, [NIFI])],
      expect: {
        lines: {
          'Deployment/nifi-ca': `nifi-ca-guard: Deployment/nifi-ca: no role: pod labels app=ca-ca,release=nifi match no ${DEFAULT_SELECTORS}; it looks like a nifi-ca (tls-toolkit.sh server)`,
          'ReplicaSet/ca2': `nifi-ca-guard: ReplicaSet/ca2: no role: pod labels app=ca2 match no ${DEFAULT_SELECTORS}; it looks like a nifi-ca (tls-toolkit.sh server)`,
        },
        warnings: {
          'StatefulSet/nifi': ['nifi-ca-guard: spec.ca.selectors match no CA workload here (Deployment/nifi-ca has app=ca-ca,release=nifi and 1 more)'],
          'Pod/nifi-0': ['nifi-ca-guard: spec.ca.selectors match no CA workload here (Deployment/nifi-ca has app=ca-ca,release=nifi and 1 more)'],
        },
        unmatched: ['Deployment/nifi-ca', 'ReplicaSet/ca2'],
      },
    },
    {
      name: 'no cross warning when another CA workload did get role nifi-ca',
      objects: [CETIC_CA, workload('Deployment', 'real-ca', { app: 'nifi-ca' }, [CA]), CETIC_NIFI],
      expect: {
        lines: { 'Deployment/nifi-ca': `nifi-ca-guard: Deployment/nifi-ca: no role: pod labels app=ca-ca,release=nifi match no ${DEFAULT_SELECTORS}; it looks like a nifi-ca (tls-toolkit.sh server)` },
        unmatched: ['Deployment/nifi-ca'],
      },
    },
    {
      name: 'no cross warning across namespaces (anti-affinity is per namespace)',
      objects: [workload('Deployment', 'nifi-ca', { app: 'ca-ca' }, [CA], 'a'), workload('StatefulSet', 'nifi', { app: 'nifi' }, [NIFI], 'b')],
      expect: {
        lines: { 'Deployment/nifi-ca': `nifi-ca-guard: Deployment/nifi-ca: no role: pod labels app=ca-ca match no ${DEFAULT_SELECTORS}; it looks like a nifi-ca (tls-toolkit.sh server)` },
        unmatched: ['Deployment/nifi-ca'],
      },
    },
    {
      name: 'a CA outside the namespaces is no cross-workload miss (no NiFi pod there to warn)',
      objects: [workload('Deployment', 'nifi-ca', { app: 'ca-ca' }, [CA], 'other'), workload('StatefulSet', 'nifi', { app: 'nifi' }, [NIFI], 'nifi')],
      policy: policy({ namespaces: ['nifi'] }, 'p'),
      expect: { lines: { 'Deployment/nifi-ca': 'nifi-ca-guard: Deployment/nifi-ca: namespace other is outside policy p (spec.namespaces: nifi)' }, unmatched: ['Deployment/nifi-ca'] },
    },
    {
      name: 'a long label set is cut to the warning limit',
      objects: [workload('Deployment', 'nifi-ca', { app: 'ca-ca', release: 'nifi', 'helm.sh/chart': 'ca-1.0.1', heritage: 'Helm', 'app.kubernetes.io/managed-by': 'Helm' }, [CA]), CETIC_NIFI],
      expect: {
        lines: { 'Deployment/nifi-ca': `nifi-ca-guard: Deployment/nifi-ca: no role: pod labels app=ca-ca,app.kubernetes.io/managed-by=Helm,helm.sh/chart=ca-1.0.1,heritage=Helm,release=nifi match no ${DEFAULT_SELECTORS}; it looks like a nifi-ca (tls-toolkit.sh server)` },
        warnings: { 'StatefulSet/nifi': ['nifi-ca-guard: spec.ca.selectors match no CA workload here (Deployment/nifi-ca has app=ca-ca,app.kubernetes.io/managed…'] },
        unmatched: ['Deployment/nifi-ca'],
      },
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const p = c.policy ?? builtinPolicy();
      const items = c.objects.map((o) => previewObject(o, c.namespace ?? 'nifi', p));
      const report = coverage(items, p);
      expect(report).to.have.length(items.length);
      const lines: Record<string, string> = {};
      const warnings: Record<string, string[]> = {};
      items.forEach((item, n) => {
        const r = report[n]!;
        if (r.line !== undefined) lines[item.ref] = r.line;
        if (r.warnings.length > 0) warnings[item.ref] = r.warnings;
        for (const w of r.warnings) expect(w.length).to.be.below(120);
      });
      expect(lines).to.deep.equal(c.expect.lines ?? {});
      expect(warnings).to.deep.equal(c.expect.warnings ?? {});
      expect(items.filter((_, n) => report[n]!.unmatched).map((i) => i.ref)).to.deep.equal(c.expect.unmatched ?? []);
    });
  }

  it('leaves the items as they were (pure)', () => {
    const items = [CETIC_CA, CETIC_NIFI].map((o) => previewObject(o, 'nifi', builtinPolicy()));
    const before = structuredClone(items);
    coverage(items, builtinPolicy());
    expect(items).to.deep.equal(before);
  });
});

describe('preview: what a pod looks like from its containers', () => {
  const pod = (containers: Json[], initContainers: Json[] = []): Json => ({ kind: 'Pod', spec: { containers, initContainers } });
  const cases: Array<{ name: string; pod: Json; role: string | undefined }> = [
    { name: 'tls-toolkit.sh server in a shell script', pod: pod([CA]), role: 'nifi-ca' },
    { name: 'the toolkit image with no command', pod: pod([{ name: 'ca', image: 'apache/nifi-toolkit:1.28.1' }]), role: 'nifi-ca' },
    { name: 'the apache/nifi image', pod: pod([NIFI]), role: 'nifi' },
    { name: 'a custom image running nifi.sh', pod: pod([{ name: 'n', image: 'corp/nifi-custom:1', command: ['bin/nifi.sh', 'run'] }]), role: 'nifi' },
    { name: 'NiFi beside sidecars', pod: pod([{ name: 'log', image: 'busybox' }, NIFI]), role: 'nifi' },
    { name: 'NiFi Registry (its own scripts/start.sh)', pod: pod([REGISTRY]), role: undefined },
    { name: 'zookeeper', pod: pod([ZK]), role: undefined },
    { name: 'init containers do not count', pod: pod([ZK], [NIFI, CA]), role: undefined },
    { name: 'a toolkit client is not a CA', pod: pod([{ name: 'c', image: 'apache/nifi-toolkit:1.12.1', command: ['sh', '-c', 'tls-toolkit.sh client -c nifi-ca -t x'] }]), role: undefined },
    { name: 'no spec', pod: { kind: 'Pod' }, role: undefined },
  ];
  for (const c of cases) it(c.name, () => expect(looksLike(c.pod)?.role).to.equal(c.role));
});
