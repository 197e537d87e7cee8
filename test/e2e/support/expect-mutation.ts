// What the webhook's mutation looks like on a stored pod (names fixed by the design).
import { expect } from 'chai';
import type { LabelSelector, Pod, PodAffinityTerm } from './cluster.js';

export const ROLE_ANNOTATION = 'nifi-ca-guard.io/role';
export const POLICY_ANNOTATION = 'nifi-ca-guard.io/policy';
export const STATUS_ANNOTATION = 'nifi-ca-guard.io/status';
export const INIT_CONTAINER = 'nifi-ca-guard-truststore';
export const BUNDLE_VOLUME = 'nifi-ca-guard-bundle';
export const TRUSTSTORE_VOLUME = 'nifi-ca-guard-truststore';
export const TRUST_SECRET = 'nifi-ca-trust';
export const TRUSTSTORE_ENV = ['TRUSTSTORE_PATH', 'TRUSTSTORE_TYPE', 'TRUSTSTORE_PASSWORD'];

function selects(sel: LabelSelector | undefined, key: string, value: string): boolean {
  if (!sel) return false;
  if (sel.matchLabels?.[key] === value) return true;
  return (sel.matchExpressions ?? []).some((e) => e.key === key && e.operator === 'In' && (e.values ?? []).includes(value));
}

/** The anti-affinity terms against pods labelled app=<target>, by kind (required / preferred). */
export function antiAffinityAgainst(p: Pod, target: string): { required: PodAffinityTerm[]; preferred: PodAffinityTerm[] } {
  const aa = p.spec.affinity?.podAntiAffinity;
  const match = (t: PodAffinityTerm): boolean => t.topologyKey === 'kubernetes.io/hostname' && selects(t.labelSelector, 'app', target);
  return {
    required: (aa?.requiredDuringSchedulingIgnoredDuringExecution ?? []).filter(match),
    preferred: (aa?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => w.podAffinityTerm).filter(match),
  };
}

export function isMutated(p: Pod): boolean {
  return p.metadata.annotations?.[ROLE_ANNOTATION] !== undefined;
}

/** A nifi-ca pod as admitted: annotated, with anti-affinity against app=nifi in the given mode. */
export function expectCaMutated(p: Pod, mode: 'required' | 'preferred' = 'required'): void {
  const where = `pod ${p.metadata.namespace}/${p.metadata.name}`;
  expect(p.metadata.annotations?.[ROLE_ANNOTATION], `${where}: ${ROLE_ANNOTATION}`).to.be.a('string');
  expect(p.metadata.annotations?.[POLICY_ANNOTATION], `${where}: ${POLICY_ANNOTATION}`).to.be.a('string');
  const terms = antiAffinityAgainst(p, 'nifi');
  expect(terms[mode], `${where}: ${mode} anti-affinity against app=nifi`).to.not.be.empty;
  expect(terms[mode === 'required' ? 'preferred' : 'required'], `${where}: no ${mode === 'required' ? 'preferred' : 'required'} term`).to.be.empty;
}

/** A NiFi pod as admitted: mirror anti-affinity, the truststore init container, volumes and env. */
export function expectNifiMutated(p: Pod, mode: 'required' | 'preferred' = 'required'): void {
  const where = `pod ${p.metadata.namespace}/${p.metadata.name}`;
  expect(p.metadata.annotations?.[ROLE_ANNOTATION], `${where}: ${ROLE_ANNOTATION}`).to.be.a('string');
  expect(p.metadata.annotations?.[POLICY_ANNOTATION], `${where}: ${POLICY_ANNOTATION}`).to.be.a('string');
  expect(antiAffinityAgainst(p, 'nifi-ca')[mode], `${where}: ${mode} anti-affinity against app=nifi-ca`).to.not.be.empty;
  expect((p.spec.initContainers ?? []).map((c) => c.name), `${where}: init containers`).to.include(INIT_CONTAINER);
  const volumes = p.spec.volumes ?? [];
  const bundle = volumes.find((v) => v.name === BUNDLE_VOLUME);
  expect(bundle?.secret?.secretName, `${where}: volume ${BUNDLE_VOLUME}`).to.equal(TRUST_SECRET);
  expect(volumes.find((v) => v.name === TRUSTSTORE_VOLUME)?.emptyDir, `${where}: volume ${TRUSTSTORE_VOLUME}`).to.not.equal(undefined);
  for (const c of p.spec.containers) {
    const names = (c.env ?? []).map((e) => e.name);
    expect(names, `${where}: env of container ${c.name}`).to.include.members(TRUSTSTORE_ENV);
  }
}

export function expectUnmutated(p: Pod): void {
  const where = `pod ${p.metadata.namespace}/${p.metadata.name}`;
  expect(p.metadata.annotations?.[ROLE_ANNOTATION], `${where}: ${ROLE_ANNOTATION}`).to.equal(undefined);
  expect((p.spec.initContainers ?? []).map((c) => c.name), `${where}: init containers`).to.not.include(INIT_CONTAINER);
  expect(p.spec.affinity, `${where}: affinity`).to.equal(undefined);
}
