// The chart with its defaults and `kubectl kustomize manifests/` (kubectl 1.30) install the same webhook:
// for every object both have, what decides behaviour is equal (which pods reach the webhook, what the
// webhook may do, how it runs). Names of the chart's labels and the base's Namespace object aside.
import { expect } from 'chai';
import { DEFAULTS, ENV } from '../../src/config.js';
import type { KubeObject } from '../../src/install/types.js';
import { parsePolicyText } from '../../src/policy/load.js';
import { VERSION } from '../../src/version.js';
import { fieldsNamed, find, kustomize, only, requireTools, template } from './support/tools.js';
import { envMap, flags, podSpec, webhookContainer, type Container } from './support/webhook-pod.js';

/**
 * `serve`'s defaults for the flags a render may leave out, from config.ts itself: every setting that is
 * both a flag (ENV's keys are ConfigFlags') and a RuntimeConfig field of the same name, as --kebab-case.
 */
const SERVE_DEFAULTS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.keys(ENV)
    .filter((k) => k in DEFAULTS && (DEFAULTS as unknown as Record<string, unknown>)[k] !== undefined)
    .map((k) => [k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), String((DEFAULTS as unknown as Record<string, unknown>)[k])]),
);

/** Args as flags, with defaults filled in: `--log-level=info` and no --log-level mean the same. */
function effectiveFlags(c: Container): Record<string, string> {
  return Object.fromEntries([...new Map([...Object.entries(SERVE_DEFAULTS), ...flags(c.args ?? [])])].sort(([a], [b]) => a.localeCompare(b)));
}

/** Rules compared as sets: order of rules and of the lists inside them is not meaning. */
function ruleSet(o: KubeObject | undefined): string[] {
  const rules = (o?.rules as Array<Record<string, string[] | undefined>> | undefined) ?? [];
  return rules
    .map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, [...(v ?? [])].sort()]).sort(([a], [b]) => String(a).localeCompare(String(b))))))
    .sort();
}

/** What a webhook entry decides, without its caBundle (compared on its own). */
function webhookEntries(mwc: KubeObject): Record<string, unknown> {
  return Object.fromEntries((mwc.webhooks as Array<Record<string, unknown>>).map((w) => {
    const { clientConfig, name, ...rest } = w as { clientConfig: Record<string, unknown>; name: string };
    const { caBundle: _ignored, ...client } = clientConfig;
    return [name, { ...rest, clientConfig: client }];
  }));
}

const byName = <T extends { name: string }>(xs: T[] | undefined): Record<string, Omit<T, 'name'>> =>
  Object.fromEntries((xs ?? []).map(({ name, ...rest }) => [name, rest]));

describe('chart: the default render and the kustomize base are the same install', () => {
  let chart: KubeObject[];
  let base: KubeObject[];
  before(async function () {
    requireTools();
    [chart, base] = await Promise.all([template({ release: 'nifi-ca-guard', namespace: 'nifi-ca-guard' }), kustomize()]);
  });

  it('the same kinds and names, except the Namespace (a Helm release does not own its namespace)', () => {
    const keys = (objects: KubeObject[]) => objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
    expect(keys(chart)).to.deep.equal(keys(base.filter((o) => o.kind !== 'Namespace' && o.kind !== 'CustomResourceDefinition')));
  });

  it('the webhook configuration: the same entries, rules, selectors, failurePolicy, timeouts and Service', () => {
    expect(webhookEntries(only(chart, 'MutatingWebhookConfiguration'))).to.deep.equal(webhookEntries(only(base, 'MutatingWebhookConfiguration')));
  });

  it('RBAC: the same rules in the ClusterRole and each Role', () => {
    const roles = (objects: KubeObject[]) => objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role').map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
    expect(roles(chart)).to.deep.equal(roles(base));
    expect(roles(base)).to.deep.equal(['ClusterRole//nifi-ca-guard', 'Role/default/nifi-ca-guard-events', 'Role/nifi-ca-guard/nifi-ca-guard']);
    for (const key of roles(base)) {
      const [kind, ns, name] = key.split('/') as [string, string, string];
      const pick = (objects: KubeObject[]) => objects.find((o) => o.kind === kind && (o.metadata.namespace ?? '') === ns && o.metadata.name === name);
      expect(ruleSet(pick(chart)), key).to.deep.equal(ruleSet(pick(base)));
    }
  });

  it('the flag defaults come from config.ts', () => {
    expect(SERVE_DEFAULTS).to.include({ port: '8443', 'log-level': 'info', 'tls-mode': 'file', 'tls-secret': 'nifi-ca-guard-tls', lease: 'nifi-ca-guard' });
  });

  it("the Deployment's container: the same image, flags, env, mounts and security contexts", () => {
    const [c, b] = [only(chart, 'Deployment'), only(base, 'Deployment')];
    const [cc, bc] = [webhookContainer(c), webhookContainer(b)];
    expect(cc.image).to.equal(bc.image);
    expect(effectiveFlags(cc)).to.deep.equal(effectiveFlags(bc));
    expect(Object.fromEntries(envMap(cc))).to.deep.equal(Object.fromEntries(envMap(bc)));
    expect(byName(cc.volumeMounts)).to.deep.equal(byName(bc.volumeMounts));
    expect(cc.securityContext).to.deep.equal(bc.securityContext);
    expect(podSpec(c).securityContext).to.deep.equal(podSpec(b).securityContext);
    const probes = (x: Container) => {
      const { readinessProbe, livenessProbe, ports, resources, imagePullPolicy } = x as unknown as Record<string, unknown>;
      return { readinessProbe, livenessProbe, ports, resources, imagePullPolicy };
    };
    expect(probes(cc)).to.deep.equal(probes(bc));
    expect((c.spec as { replicas: number }).replicas).to.equal((b.spec as { replicas: number }).replicas);
  });

  it('the same policy, once validated (the built-in defaults filled in)', () => {
    const policy = (objects: KubeObject[]) => parsePolicyText((only(objects, 'ConfigMap').data as Record<string, string>)['policy.yaml']!, 'configmap').spec;
    expect(policy(chart)).to.deep.equal(policy(base));
  });

  it('the same Service ports, PodDisruptionBudget and NetworkPolicy rules', () => {
    const pick = (objects: KubeObject[]) => ({
      ports: (only(objects, 'Service').spec as { ports: unknown }).ports,
      minAvailable: (only(objects, 'PodDisruptionBudget').spec as { minAvailable: unknown }).minAvailable,
      pdbApi: only(objects, 'PodDisruptionBudget').apiVersion,
      network: (({ podSelector: _p, ...rest }) => rest)(only(objects, 'NetworkPolicy').spec as { podSelector: unknown }),
    });
    expect(pick(chart)).to.deep.equal(pick(base));
  });

  describe('kubectl kustomize manifests/ (kubectl 1.30)', () => {
    it('has no empty caBundle (an empty one is a webhook the API server cannot call)', () => {
      const empty = fieldsNamed(base, 'caBundle').filter((f) => typeof f.value !== 'string' || f.value === '');
      expect(empty.map((f) => f.path)).to.deep.equal([]);
    });

    it('pins the init-container image: NIFI_CA_GUARD_INIT_IMAGE is the webhook image of this version', () => {
      const c = webhookContainer(only(base, 'Deployment'));
      expect(c.image).to.equal(`nifi-ca-guard:${VERSION}`);
      expect(envMap(c).get('NIFI_CA_GUARD_INIT_IMAGE')).to.equal(c.image);
    });
  });
});
