import { expect } from 'chai';
import fc from 'fast-check';
import fjp from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { mutatePod } from '../../src/mutation/mutate.js';
import type { Json } from '../../src/mutation/pod.js';
import { policyWith } from '../support/policy.js';

// Names drawn from small pools so that collisions with the webhook's own names actually happen.
const OURS = ['nifi-ca-guard-bundle', 'nifi-ca-guard-truststore', 'nifi-ca-guard-ca-secret', 'nifi-ca-guard-ca-workdir', 'nifi-ca-guard-ca-restore'];
const name = fc.constantFrom('nifi', 'ca', 'sidecar', 'data', 'conf', ...OURS);
const labelPool = fc.constantFrom<Record<string, string>>(
  { app: 'nifi' }, { app: 'nifi-ca' }, { 'app.kubernetes.io/name': 'nifi' }, { 'app.kubernetes.io/name': 'nifi-ca' },
  { app: 'web' }, { app: 'nifi', 'app.kubernetes.io/name': 'nifi-ca' }, {},
);
const envVar = fc.record({ name: fc.constantFrom('JAVA_OPTS', 'TRUSTSTORE_PATH', 'TRUSTSTORE_TYPE', 'TRUSTSTORE_PASSWORD', 'X'), value: fc.string({ maxLength: 5 }) });
const mount = fc.record({ name, mountPath: fc.constantFrom('/data', '/opt/nifi/trust', '/opt/nifi/trust/', '/conf', '/var/lib/nifi-ca') });
const container = fc.record(
  {
    name,
    image: fc.constant('img'),
    env: fc.array(envVar, { maxLength: 3 }),
    volumeMounts: fc.array(mount, { maxLength: 2 }),
    workingDir: fc.constantFrom('', '/var/lib/nifi-ca', '/var/lib/nifi-ca/', '/opt'),
    securityContext: fc.record({ runAsUser: fc.constantFrom(0, 1000) }),
  },
  { requiredKeys: ['name', 'image'] },
);
const volume = fc.oneof(fc.record({ name, emptyDir: fc.constant({}) }), fc.record({ name, secret: fc.record({ secretName: fc.constant('s') }) }));
const term = fc.record({
  labelSelector: fc.oneof(fc.constant({ matchLabels: { app: 'nifi' } }), fc.constant({ matchLabels: { app: 'nifi-ca' } }), fc.constant({ matchLabels: { x: 'y' } })),
  topologyKey: fc.constantFrom('kubernetes.io/hostname', 'topology.kubernetes.io/zone'),
});
const affinity = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.record({ nodeAffinity: fc.constant({ requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } }) }),
  fc.record(
    {
      podAntiAffinity: fc.record(
        {
          requiredDuringSchedulingIgnoredDuringExecution: fc.array(term, { maxLength: 2 }),
          preferredDuringSchedulingIgnoredDuringExecution: fc.array(fc.record({ weight: fc.integer({ min: 1, max: 100 }), podAffinityTerm: term }), { maxLength: 2 }),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  ),
);
const annotations = fc.dictionary(fc.constantFrom('a/b', 'c~d', 'nifi-ca-guard.io/skip', 'nifi-ca-guard.io/role', 'plain'), fc.constantFrom('true', 'x', ''), { maxKeys: 3 });
const pod = fc
  .record(
    {
      labels: labelPool,
      annotations: fc.option(annotations, { nil: undefined }),
      affinity,
      initContainers: fc.option(fc.array(container, { maxLength: 2 }), { nil: undefined }),
      containers: fc.array(container, { minLength: 1, maxLength: 3 }),
      volumes: fc.option(fc.array(volume, { maxLength: 3 }), { nil: undefined }),
      extra: fc.option(fc.constant({ hostname: 'h', priorityClassName: 'p' }), { nil: undefined }),
      securityContext: fc.option(fc.record({ runAsUser: fc.constantFrom(0, 2000) }), { nil: undefined }),
    },
    { requiredKeys: ['labels', 'containers'] },
  )
  .map((p): Json => {
    const spec: Json = { containers: p.containers, ...(p.extra ?? {}) };
    if (p.securityContext !== undefined) spec.securityContext = p.securityContext;
    if (p.affinity !== undefined) spec.affinity = p.affinity;
    if (p.initContainers !== undefined) spec.initContainers = p.initContainers;
    if (p.volumes !== undefined) spec.volumes = p.volumes;
    const metadata: Json = { name: 'p', labels: p.labels };
    if (p.annotations !== undefined) metadata.annotations = p.annotations;
    return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
  });
const policy = fc
  .record({
    placement: fc.record({ mode: fc.constantFrom('required', 'preferred', 'off'), topologyKey: fc.constantFrom('kubernetes.io/hostname', 'topology.kubernetes.io/zone') }),
    trustBundle: fc.record({ enabled: fc.boolean(), format: fc.constantFrom('pkcs12', 'jks', 'pem'), containers: fc.constantFrom([], ['nifi'], ['ghost']) }),
    caPinning: fc.record({ enabled: fc.boolean(), containers: fc.constantFrom([], ['ca'], ['ghost']) }),
    enforcement: fc.constantFrom('enforce', 'audit'),
    allowOptOut: fc.boolean(),
  })
  .map((spec) => policyWith(spec));

/** Paths the webhook may add to; anything else in a patch is a defect. */
const OWNED = [
  /^\/metadata\/annotations(\/nifi-ca-guard\.io~1[a-z]+)?$/,
  /^\/metadata$/,
  /^\/spec\/affinity(\/podAntiAffinity(\/(required|preferred)DuringSchedulingIgnoredDuringExecution(\/\d+)?)?)?$/,
  /^\/spec\/(volumes|initContainers)(\/\d+)?$/,
  /^\/spec\/containers\/\d+\/(volumeMounts|env)(\/\d+)?$/,
  /^\/spec\/containers\/\d+\/workingDir$/,
];

function checkOwnership(original: Json, patch: readonly Operation[]): void {
  let doc: unknown = structuredClone(original);
  for (const op of patch) {
    expect(OWNED.some((re) => re.test(op.path)), `path ${op.path} is not owned`).to.equal(true);
    expect(op.op, `${op.op} ${op.path}`).to.be.oneOf(['add', 'replace']);
    const last = op.path.split('/').pop()!;
    if (!/^\d+$/.test(last) && !last.startsWith('nifi-ca-guard.io')) {
      // Adding an object member replaces it: only allowed where nothing (or null) was there.
      const existing = fjp.getValueByPointer(doc, op.path) as unknown;
      // An empty workingDir is Kubernetes' "unset" (omitempty): the image default, not a user's choice.
      const unset = existing === undefined || existing === null || (last === 'workingDir' && existing === '');
      expect(unset, `${op.op} ${op.path} overwrites a user value`).to.equal(true);
    }
    doc = fjp.applyOperation(doc, op, true, true, false).newDocument;
  }
}

/**
 * What happens between two webhook calls on a real API server: defaulting, and the ServiceAccount
 * admission plugin adding its token volume and a mount to every container (ours included).
 */
function asStoredByApiServer(pod: Json): Json {
  const p = structuredClone(pod);
  const spec = p.spec as Json;
  const token = 'default-token-abcde';
  for (const key of ['initContainers', 'containers']) {
    const list = spec[key];
    if (!Array.isArray(list)) continue;
    for (const c of list as Json[]) {
      c.terminationMessagePath ??= '/dev/termination-log';
      c.terminationMessagePolicy ??= 'File';
      c.imagePullPolicy ??= 'IfNotPresent';
      c.volumeMounts = [...(Array.isArray(c.volumeMounts) ? c.volumeMounts : []), { name: token, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }];
    }
  }
  const volumes = Array.isArray(spec.volumes) ? (spec.volumes as Json[]) : [];
  for (const v of volumes) if (v.secret && typeof v.secret === 'object') (v.secret as Json).defaultMode ??= 420;
  spec.volumes = [...volumes, { name: token, secret: { secretName: token, defaultMode: 420 } }];
  return p;
}

describe('mutatePod properties', () => {
  it('every patch applies strictly, touches only owned fields, and a re-run is empty', () => {
    fc.assert(
      fc.property(pod, policy, fc.constantFrom('nifi', 'prod-eu'), (p, pol, ns) => {
        const frozen = structuredClone(p);
        const r = mutatePod(p, ns, pol);
        expect(p, 'input untouched').to.deep.equal(frozen);
        const errors = fjp.validate(r.patch, structuredClone(p));
        expect(errors, errors?.message).to.equal(undefined);
        const applied = fjp.applyPatch(structuredClone(p), r.patch, true, false).newDocument;
        expect(applied).to.deep.equal(r.pod);
        checkOwnership(p, r.patch);
        for (const w of r.warnings) {
          expect(w.length).to.be.below(120);
          expect(w).not.to.match(/^Warning/);
        }
        const again = mutatePod(applied, ns, pol);
        expect(again.patch, 'second run').to.deep.equal([]);
        const reinvoked = mutatePod(asStoredByApiServer(applied), ns, pol);
        expect(reinvoked.patch, 'reinvocation after defaulting and other admission plugins').to.deep.equal([]);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 600) },
    );
  });
});
