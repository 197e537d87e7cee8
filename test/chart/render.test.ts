// `helm template` of the chart, for each TLS mode, namespace opt-in on and off, and several release
// names: what it renders must hold together (names in the args = names in RBAC = object names), never
// carry an empty caBundle, and run one image for the webhook and the init containers it injects.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KubeObject } from '../../src/install/types.js';
import { resolveConfig } from '../../src/config.js';
import { parsePolicyText } from '../../src/policy/load.js';
import { VERSION } from '../../src/version.js';
import { sharedPki } from '../support/pki.js';
import { CHART, fieldsNamed, find, only, requireTools, template, templateRun } from './support/tools.js';
import { envMap, flags, podSpec, webhookContainer } from './support/webhook-pod.js';

type Mode = 'selfManaged' | 'certManager' | 'manual';

interface Case {
  name: string;
  mode: Mode;
  tls: Record<string, unknown>;
  /** The caBundle every webhook must carry (manual), base64. */
  caBundle?: string;
  /** certManager: the issuerRef the serving Certificate must use; undefined = the chart's own CA. */
  issuerRef?: Record<string, string>;
}

const CA_PEM = sharedPki().caCert;
const CA_B64 = Buffer.from(CA_PEM).toString('base64');
const CORP_ISSUER = { name: 'corp-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' };

const CASES: Case[] = [
  { name: 'selfManaged', mode: 'selfManaged', tls: {} },
  { name: 'certManager, the chart CA', mode: 'certManager', tls: { mode: 'certManager' } },
  { name: 'certManager, an issuerRef', mode: 'certManager', tls: { mode: 'certManager', certManager: { issuerRef: CORP_ISSUER } }, issuerRef: CORP_ISSUER },
  { name: 'manual, caBundle as PEM', mode: 'manual', tls: { mode: 'manual', manual: { caBundle: CA_PEM } }, caBundle: CA_B64 },
  { name: 'manual, caBundle as base64', mode: 'manual', tls: { mode: 'manual', manual: { caBundle: CA_B64 } }, caBundle: CA_B64 },
];

interface Release {
  release: string;
  namespace: string;
  extra: Record<string, unknown>;
  fullname: string;
}

const RELEASES: Release[] = [
  { release: 'nifi-ca-guard', namespace: 'nifi-ca-guard', extra: {}, fullname: 'nifi-ca-guard' },
  { release: 'guard', namespace: 'platform', extra: {}, fullname: 'guard-nifi-ca-guard' },
  { release: 'x', namespace: 'sec', extra: { fullnameOverride: 'ncg', tls: { secretName: 'ncg-serving' } }, fullname: 'ncg' },
];

// Every mode watches policies by default: a Role for the Lease (and, selfManaged, the Secret), and one in
// namespace default for Events.
const RBAC_ROLES = ['Role', 'RoleBinding', 'Role', 'RoleBinding'];
const KINDS: Record<Mode, string[]> = {
  selfManaged: ['ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Deployment', 'MutatingWebhookConfiguration', 'NetworkPolicy', 'PodDisruptionBudget', ...RBAC_ROLES, 'Service', 'ServiceAccount'],
  certManager: ['ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Deployment', 'MutatingWebhookConfiguration', 'NetworkPolicy', 'PodDisruptionBudget', ...RBAC_ROLES, 'Service', 'ServiceAccount', 'Certificate'],
  manual: ['ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Deployment', 'MutatingWebhookConfiguration', 'NetworkPolicy', 'PodDisruptionBudget', ...RBAC_ROLES, 'Service', 'ServiceAccount'],
};
/** The Role and RoleBinding for Events about the cluster-scoped policies: namespace default, the only one the API server takes. */
const inDefault = (o: KubeObject, fullname: string): boolean => o.kind.startsWith('Role') && o.metadata.name === `${fullname}-events`;
const CLUSTER_SCOPED = ['ClusterRole', 'ClusterRoleBinding', 'MutatingWebhookConfiguration'];

/** Deep merge of plain objects (values layering, as helm does for maps). */
function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isMap(prev) && isMap(v) ? merge(prev, v) : v;
  }
  return out;
}
const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs: string[];
}
interface Webhook {
  name: string;
  failurePolicy: string;
  timeoutSeconds: number;
  clientConfig: { service: { name: string; namespace: string; path: string; port: number }; caBundle?: string };
  namespaceSelector: { matchLabels?: Record<string, string>; matchExpressions: Array<{ key: string; operator: string; values: string[] }> };
  objectSelector: unknown;
}
const rules = (o: KubeObject | undefined): Rule[] => (o?.rules as Rule[] | undefined) ?? [];
const webhooks = (objects: KubeObject[]): Webhook[] => only(objects, 'MutatingWebhookConfiguration').webhooks as Webhook[];
/** The resourceNames of the rules on `resource` that carry any. */
const namesFor = (rs: Rule[], resource: string): string[] => rs.filter((r) => r.resources?.includes(resource) && r.resourceNames).flatMap((r) => r.resourceNames!);

describe('chart: helm template', () => {
  before(requireTools);

  for (const c of CASES) {
    for (const optIn of [false, true]) {
      for (const rel of RELEASES) {
        describe(`${c.name}, opt-in ${optIn ? 'on' : 'off'}, release ${rel.release} in ${rel.namespace}`, () => {
          let objects: KubeObject[];
          before(async () => {
            objects = await template({ release: rel.release, namespace: rel.namespace, values: merge(merge(rel.extra, { tls: c.tls }), { namespaceOptIn: { enabled: optIn } }) });
          });

          it('renders the objects of the mode, each with the standard labels, namespaced ones in the release namespace', () => {
            const kinds = [...KINDS[c.mode], ...(c.mode === 'certManager' && !c.issuerRef ? ['Issuer', 'Certificate', 'Issuer'] : [])];
            expect(objects.map((o) => o.kind).sort()).to.deep.equal(kinds.sort());
            for (const o of objects) {
              const what = `${o.kind}/${o.metadata.name}`;
              expect(o.metadata.labels, what).to.include({
                'helm.sh/chart': `nifi-ca-guard-${VERSION}`,
                'app.kubernetes.io/name': 'nifi-ca-guard',
                'app.kubernetes.io/instance': rel.release,
                'app.kubernetes.io/version': VERSION,
                'app.kubernetes.io/managed-by': 'Helm',
              });
              expect(o.metadata.namespace, what).to.equal(CLUSTER_SCOPED.includes(o.kind) ? undefined : inDefault(o, rel.fullname) ? 'default' : rel.namespace);
            }
          });

          it('no caBundle is empty; only manual mode sets one, the CA given', () => {
            const found = fieldsNamed(objects, 'caBundle');
            for (const f of found) expect(f.value, f.path).to.be.a('string').and.not.equal('');
            if (c.caBundle) {
              expect(found.map((f) => f.value)).to.deep.equal(webhooks(objects).map(() => c.caBundle));
              expect(Buffer.from(c.caBundle, 'base64').toString()).to.equal(CA_PEM);
            } else expect(found).to.deep.equal([]);
          });

          it('the names in the args, the RBAC resourceNames and the objects agree', () => {
            const deployment = only(objects, 'Deployment');
            const container = webhookContainer(deployment);
            const f = flags(container.args ?? []);
            const service = only(objects, 'Service');
            const mwc = only(objects, 'MutatingWebhookConfiguration');
            const sa = only(objects, 'ServiceAccount');
            expect([deployment, service, mwc, sa].map((o) => o.metadata.name)).to.deep.equal(Array(4).fill(rel.fullname));
            expect(podSpec(deployment).serviceAccountName).to.equal(sa.metadata.name);
            for (const w of webhooks(objects)) expect(w.clientConfig.service).to.deep.equal({ name: service.metadata.name, namespace: rel.namespace, path: '/mutate', port: 443 });
            for (const binding of objects.filter((o) => o.kind.endsWith('Binding'))) {
              expect(binding.subjects, binding.kind).to.deep.equal([{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: rel.namespace }]);
              const role = find(objects, (binding.roleRef as { kind: string }).kind, (binding.roleRef as { name: string }).name);
              expect(role, `${binding.kind} -> its role`).to.not.equal(undefined);
            }
            const clusterRules = rules(find(objects, 'ClusterRole'));
            expect(clusterRules.filter((r) => r.resources?.some((x) => x.startsWith('nifitrustpolicies')))).to.deep.equal([
              { apiGroups: ['nifi-ca-guard.io'], resources: ['nifitrustpolicies'], verbs: ['get', 'list', 'watch'] },
              { apiGroups: ['nifi-ca-guard.io'], resources: ['nifitrustpolicies/status'], verbs: ['get', 'update'] },
            ]);
            // The status writer's Lease, in every mode (watchPolicies is on by default); Events in default only.
            expect(namesFor(rules(find(objects, 'Role', rel.fullname)), 'leases')).to.deep.equal([f.get('lease')]);
            expect(f.get('lease')).to.equal(rel.fullname);
            const events = find(objects, 'Role', `${rel.fullname}-events`)!;
            expect([events.metadata.namespace, rules(events)]).to.deep.equal(['default', [{ apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] }]]);
            expect((find(objects, 'RoleBinding', `${rel.fullname}-events`)!.roleRef as { name: string }).name).to.equal(events.metadata.name);
            const secretName = rel.fullname === 'ncg' ? 'ncg-serving' : `${rel.fullname}-tls`;
            if (c.mode === 'selfManaged') {
              const roleRules = rules(find(objects, 'Role', rel.fullname));
              expect(f.get('tls-mode')).to.equal('self-managed');
              expect(f.get('tls-secret')).to.equal(secretName);
              expect(f.get('webhook-configuration')).to.equal(mwc.metadata.name);
              expect(f.get('service')).to.equal(service.metadata.name);
              expect(namesFor(roleRules, 'secrets')).to.deep.equal([f.get('tls-secret')]);
              expect(namesFor(roleRules, 'leases')).to.deep.equal([f.get('lease')]);
              expect(namesFor(clusterRules, 'mutatingwebhookconfigurations')).to.deep.equal([f.get('webhook-configuration')]);
              // Exactly the contract's rules: create (which resourceNames cannot narrow) and named reads and writes.
              expect(roleRules).to.deep.equal([
                { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
                { apiGroups: [''], resources: ['secrets'], resourceNames: [secretName], verbs: ['get', 'update'] },
                { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
                { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [rel.fullname], verbs: ['get', 'update'] },
              ]);
              expect(clusterRules.find((r) => r.resources?.includes('mutatingwebhookconfigurations'))).to.deep.equal({
                apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], resourceNames: [rel.fullname], verbs: ['get', 'patch'],
              });
              expect([...f.keys()].filter((k) => k === 'tls-cert' || k === 'tls-key')).to.deep.equal([]);
              expect(podSpec(deployment).volumes?.some((v) => v.secret)).to.equal(false);
            } else {
              // The Secret is mounted; the webhook writes no Secret: only the Lease that elects its one writer, and
              // its own configuration's entries (they follow the policies: watchPolicies and followPolicies are on).
              expect(rules(find(objects, 'Role', rel.fullname))).to.deep.equal([
                { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
                { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [rel.fullname], verbs: ['get', 'update'] },
              ]);
              expect(f.get('webhook-configuration')).to.equal(mwc.metadata.name);
              expect(clusterRules.find((r) => r.resources?.includes('mutatingwebhookconfigurations'))).to.deep.equal({
                apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], resourceNames: [rel.fullname], verbs: ['get', 'patch'],
              });
              expect(f.get('tls-mode')).to.equal('file');
              const tls = podSpec(deployment).volumes?.find((v) => v.secret);
              expect(tls?.secret?.secretName).to.equal(secretName);
              const mount = container.volumeMounts?.find((m) => m.name === tls!.name);
              expect(f.get('tls-cert')).to.equal(`${mount!.mountPath}/tls.crt`);
              expect(f.get('tls-key')).to.equal(`${mount!.mountPath}/tls.key`);
              expect(f.has('tls-secret'), 'tls-secret').to.equal(false);
            }
          });

          if (c.mode === 'certManager') {
            it('cert-manager issues the mounted Secret for the Service and injects its CA into the webhook configuration', () => {
              const certs = objects.filter((o) => o.kind === 'Certificate');
              const serving = certs.find((o) => !(o.spec as { isCA?: boolean }).isCA)!;
              const spec = serving.spec as { secretName: string; dnsNames: string[]; issuerRef: Record<string, string>; privateKey: { algorithm: string; size: number } };
              const mounted = podSpec(only(objects, 'Deployment')).volumes!.find((v) => v.secret)!.secret!.secretName;
              expect(spec.secretName).to.equal(mounted);
              const svc = rel.fullname;
              expect(spec.dnsNames).to.include.members([svc, `${svc}.${rel.namespace}`, `${svc}.${rel.namespace}.svc`]);
              expect(spec.privateKey.size).to.be.at.least(2048);
              const mwc = only(objects, 'MutatingWebhookConfiguration');
              const annotations = (mwc.metadata as { annotations?: Record<string, string> }).annotations;
              expect(annotations).to.deep.equal({ 'cert-manager.io/inject-ca-from': `${rel.namespace}/${serving.metadata.name}` });
              if (c.issuerRef) {
                expect(spec.issuerRef).to.deep.equal(c.issuerRef);
                expect(certs).to.have.length(1);
              } else {
                // self-signed Issuer -> CA Certificate -> CA Issuer (from the CA's Secret) -> serving Certificate.
                const ca = certs.find((o) => (o.spec as { isCA?: boolean }).isCA)!;
                const caSpec = ca.spec as { secretName: string; issuerRef: { name: string; kind: string } };
                const selfSigned = find(objects, 'Issuer', caSpec.issuerRef.name)!;
                expect(selfSigned.spec).to.deep.equal({ selfSigned: {} });
                const caIssuer = find(objects, 'Issuer', spec.issuerRef.name)!;
                expect(caIssuer.spec).to.deep.equal({ ca: { secretName: caSpec.secretName } });
                expect(spec.issuerRef).to.deep.equal({ name: caIssuer.metadata.name, kind: 'Issuer', group: 'cert-manager.io' });
                expect(caSpec.secretName).to.not.equal(spec.secretName);
              }
            });
          }

          it(`the namespaceSelector ${optIn ? 'asks for the opt-in label and ' : ''}excludes kube-system, kube-node-lease and ${rel.namespace}`, () => {
            for (const w of webhooks(objects)) {
              expect(w.namespaceSelector.matchLabels, w.name).to.deep.equal(optIn ? { 'nifi-ca-guard.io/enabled': 'true' } : undefined);
              expect(w.namespaceSelector.matchExpressions, w.name).to.deep.equal([
                { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'kube-node-lease', rel.namespace].filter((v, i, a) => a.indexOf(v) === i) },
              ]);
            }
          });
        });
      }
    }
  }

  describe('one image for the webhook and the init containers it injects', () => {
    const DIGEST = `sha256:${'ab'.repeat(32)}`;
    for (const [name, image, expected] of [
      ['defaults: the chart appVersion', {}, `nifi-ca-guard:${VERSION}`],
      ['a registry', { repository: 'registry.example.com:5000/team/nifi-ca-guard' }, `registry.example.com:5000/team/nifi-ca-guard:${VERSION}`],
      ['a digest', { repository: 'registry.example.com/nifi-ca-guard', digest: DIGEST }, `registry.example.com/nifi-ca-guard:${VERSION}@${DIGEST}`],
      ['another tag', { tag: '0.1.0-rc.1' }, 'nifi-ca-guard:0.1.0-rc.1'],
    ] as const) {
      it(name, async () => {
        for (const tls of [{}, { mode: 'certManager' }]) {
          const deployment = only(await template({ values: { image, tls } }), 'Deployment');
          const c = webhookContainer(deployment);
          expect(c.image).to.equal(expected);
          expect(envMap(c).get('NIFI_CA_GUARD_INIT_IMAGE')).to.equal(c.image);
        }
      });
    }
  });

  describe('allowedInitImages: the init images a policy may name', () => {
    const settings = (c: ReturnType<typeof webhookContainer>) =>
      resolveConfig({}, Object.fromEntries([...envMap(c)].filter(([, v]) => typeof v === 'string')) as Record<string, string>);
    it('[] (the default): every tag and digest of the webhook image repository, as serve resolves it', async () => {
      const c = webhookContainer(only(await template({ values: { image: { repository: 'registry.example.com/nifi-ca-guard' } } }), 'Deployment'));
      expect(envMap(c).get('NIFI_CA_GUARD_ALLOWED_INIT_IMAGES')).to.equal('');
      expect(settings(c).allowedInitImages).to.deep.equal(['registry.example.com/nifi-ca-guard:*', 'registry.example.com/nifi-ca-guard@*']);
    });
    it('a list: comma-joined into the variable serve reads', async () => {
      const DIGEST = `sha256:${'ab'.repeat(32)}`;
      const values = { image: { repository: 'registry.example.com/nifi-ca-guard', digest: DIGEST }, allowedInitImages: ['registry.example.com/nifi-ca-guard@sha256:*', 'mirror.example.com/nifi-ca-guard@sha256:*'] };
      const c = webhookContainer(only(await template({ values }), 'Deployment'));
      expect(envMap(c).get('NIFI_CA_GUARD_ALLOWED_INIT_IMAGES')).to.equal('registry.example.com/nifi-ca-guard@sha256:*,mirror.example.com/nifi-ca-guard@sha256:*');
      // The chart's image is repository:tag@digest, pulled by digest: a digests-only allowlist lets it through.
      expect(settings(c).initImage).to.equal(`registry.example.com/nifi-ca-guard:${VERSION}@${DIGEST}`);
      expect(settings(c).allowedInitImages).to.have.length(2);
    });
  });

  it("the webhook's pod and container run as the base's: uid 65532, read-only root, no capabilities, RuntimeDefault seccomp", async () => {
    const deployment = only(await template(), 'Deployment');
    expect(podSpec(deployment).securityContext).to.deep.equal({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(webhookContainer(deployment).securityContext).to.deep.equal({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  });

  describe('the policy ConfigMap holds a valid NiFiTrustPolicy with `policy` as its spec', () => {
    for (const [name, policy] of [
      ['defaults', undefined],
      ['a cetic-like policy', { nifi: { selectors: [{ matchLabels: { app: 'nifi', release: 'nifi' } }] }, ca: { selectors: [{ matchLabels: { app: 'ca-ca', release: 'nifi' } }] }, trustBundle: { format: 'jks' } }],
      ['an empty policy (the built-in defaults)', {}],
    ] as const) {
      it(name, async () => {
        const cm = only(await template(policy === undefined ? {} : { values: { policy } }), 'ConfigMap');
        const text = (cm.data as Record<string, string>)['policy.yaml']!;
        const parsed = parsePolicyText(text, 'configmap'); // throws with field paths if invalid
        const want = policy ?? (parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as { policy: unknown }).policy;
        expect((parse(text) as { spec: unknown }).spec).to.deep.equal(want);
        expect(parsed.name).to.equal('default');
      });
    }
  });

  it("namespaceOptIn.matchLabels of the user's replace the default label (Helm would merge a default map)", async () => {
    const objects = await template({ values: { namespaceOptIn: { enabled: true, matchLabels: { 'example.com/nifi': 'yes' } } } });
    for (const w of webhooks(objects)) expect(w.namespaceSelector.matchLabels).to.deep.equal({ 'example.com/nifi': 'yes' });
  });

  it('watchPolicies false: no --watch-policies and no access to NiFiTrustPolicy objects', async () => {
    const selfManaged = await template({ values: { watchPolicies: false } });
    expect(flags(webhookContainer(only(selfManaged, 'Deployment')).args!).has('watch-policies')).to.equal(false);
    expect(rules(find(selfManaged, 'ClusterRole')).some((r) => r.resources?.includes('nifitrustpolicies'))).to.equal(false);
    expect(find(selfManaged, 'Role', 'nifi-ca-guard-events')).to.equal(undefined);
    // In file mode the webhook then needs nothing of the API at all: no Lease either.
    const file = await template({ values: { watchPolicies: false, tls: { mode: 'certManager' } } });
    expect(find(file, 'ClusterRole')).to.equal(undefined);
    expect(find(file, 'ClusterRoleBinding')).to.equal(undefined);
    expect(file.filter((o) => o.kind.startsWith('Role'))).to.deep.equal([]);
    expect(flags(webhookContainer(only(file, 'Deployment')).args!).has('lease')).to.equal(false);
  });

  it('followPolicies false: --follow-policies=false, and in file mode no access to the webhook configuration', async () => {
    const selfManaged = await template({ values: { followPolicies: false } });
    const f = flags(webhookContainer(only(selfManaged, 'Deployment')).args!);
    expect([f.get('watch-policies'), f.get('follow-policies')]).to.deep.equal(['true', 'false']);
    // Self-managed TLS still patches the caBundles.
    expect(namesFor(rules(find(selfManaged, 'ClusterRole')), 'mutatingwebhookconfigurations')).to.deep.equal([only(selfManaged, 'MutatingWebhookConfiguration').metadata.name]);
    const file = await template({ values: { followPolicies: false, tls: { mode: 'certManager' } } });
    const fileFlags = flags(webhookContainer(only(file, 'Deployment')).args!);
    expect(fileFlags.has('webhook-configuration')).to.equal(false);
    expect(rules(find(file, 'ClusterRole')).some((r) => r.resources?.includes('mutatingwebhookconfigurations'))).to.equal(false);
  });

  it('values reach their fields: replicas, failurePolicy, timeoutSeconds, logLevel, extraArgs, webhooks, PDB, NetworkPolicy, scheduling', async () => {
    const objects = await template({
      values: {
        replicas: 3, failurePolicy: 'Ignore', timeoutSeconds: 3, logLevel: 'debug', extraArgs: ['--shutdown-delay-ms=5000'],
        webhooks: [{ name: 'pods-release.nifi-ca-guard.io', objectSelector: { matchLabels: { release: 'nifi' } } }],
        podDisruptionBudget: { enabled: false, minAvailable: 1 }, networkPolicy: { enabled: false },
        nodeSelector: { 'kubernetes.io/os': 'linux' }, tolerations: [{ key: 'dedicated', operator: 'Exists' }],
        affinity: { nodeAffinity: {} }, priorityClassName: 'system-cluster-critical', imagePullSecrets: [{ name: 'reg' }],
        podLabels: { team: 'data' }, podAnnotations: { 'example.com/a': 'b' }, resources: { requests: { cpu: '10m' } },
      },
    });
    const d = only(objects, 'Deployment');
    const spec = d.spec as { replicas: number; template: { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: Record<string, unknown> } };
    expect(spec.replicas).to.equal(3);
    const f = flags(webhookContainer(d).args!);
    expect([f.get('log-level'), f.get('shutdown-delay-ms')]).to.deep.equal(['debug', '5000']);
    expect(webhooks(objects).map((w) => [w.name, w.failurePolicy, w.timeoutSeconds, w.objectSelector])).to.deep.equal([
      ['pods-release.nifi-ca-guard.io', 'Ignore', 3, { matchLabels: { release: 'nifi' } }],
    ]);
    expect(find(objects, 'PodDisruptionBudget')).to.equal(undefined);
    expect(find(objects, 'NetworkPolicy')).to.equal(undefined);
    expect(spec.template.spec).to.deep.include({
      nodeSelector: { 'kubernetes.io/os': 'linux' }, tolerations: [{ key: 'dedicated', operator: 'Exists' }],
      affinity: { nodeAffinity: {} }, priorityClassName: 'system-cluster-critical', imagePullSecrets: [{ name: 'reg' }],
    });
    expect(spec.template.metadata.labels).to.include({ team: 'data', 'app.kubernetes.io/name': 'nifi-ca-guard' });
    expect(spec.template.metadata.annotations).to.deep.equal({ 'example.com/a': 'b' });
    // helm merges maps: the given request replaces the default one, the default limits stay.
    expect((webhookContainer(d) as unknown as { resources: unknown }).resources).to.deep.equal({ requests: { cpu: '10m', memory: '128Mi' }, limits: { cpu: '500m', memory: '384Mi' } });
  });

  describe('bad values are refused with a message naming them', () => {
    for (const [name, values, message] of [
      ['manual mode without caBundle', { tls: { mode: 'manual' } }, 'tls.mode=manual needs tls.manual.caBundle'],
      ['manual mode with a caBundle that is no certificate', { tls: { mode: 'manual', manual: { caBundle: 'bm90IGEgY2VydA==' } } }, 'tls.manual.caBundle is neither a PEM certificate nor base64 of one'],
      ['replicas as a string', { replicas: 'two' }, 'replicas: Invalid type. Expected: integer, given: string'],
      ['timeoutSeconds over 5', { timeoutSeconds: 10 }, 'timeoutSeconds: Must be less than or equal to 5'],
      ['an unknown TLS mode', { tls: { mode: 'letsencrypt' } }, 'tls.mode: tls.mode must be one of the following'],
      ['failurePolicy misspelt', { failurePolicy: 'fail' }, 'failurePolicy: failurePolicy must be one of the following'],
      ['a digest without algorithm', { image: { digest: 'abc' } }, 'image.digest: Does not match pattern'],
      ['watchPolicies as a string', { watchPolicies: 'maybe' }, 'watchPolicies: Invalid type. Expected: boolean, given: string'],
      ['policy as a string', { policy: 'required' }, 'policy: Invalid type. Expected: object, given: string'],
      ['a misspelt top-level key', { replica: 2 }, 'Additional property replica is not allowed'],
      ['no webhooks', { webhooks: [] }, 'webhooks: Array must have at least 1 items'],
      ['namespaceOptIn.enabled as a string', { namespaceOptIn: { enabled: 'true' } }, 'namespaceOptIn.enabled: Invalid type. Expected: boolean, given: string'],
      ['an extra arg that is no flag', { extraArgs: ['debug'] }, 'extraArgs.0: Does not match pattern'],
    ] as const) {
      it(name, async () => {
        const r = await templateRun({ values });
        expect(r.code, r.stdout).to.not.equal(0);
        expect(r.stdout).to.equal('');
        expect(r.stderr).to.contain(message);
      });
    }
  });
});
