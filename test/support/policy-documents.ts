// NiFiTrustPolicy specs, field by field, with what the validator and the CRD's schema make of each. The
// rule they hold: whatever the validator accepts the schema accepts (else a policy the webhook would
// take could not be stored); the schema may let through what the validator refuses (the policy then
// shows Invalid). Used by test/unit/install/crd-schema.test.ts (validator, schema stand-in) and the
// control-plane e2e s10-crd-schema (the real kube-apiserver 1.20).
import { DEFAULT_SPEC } from '../../src/policy/defaults.js';

export interface PolicyDocumentCase {
  name: string;
  /** The spec; undefined: a document without one. */
  spec: Record<string, unknown> | undefined;
  validator: 'accepts' | 'refuses';
  schema: 'accepts' | 'refuses';
}

/**
 * DEFAULT_SPEC written out, as the README's policy shows it: without the merge block (env wiring), and
 * without password.secretName "" (the e2e's kube-apiserver build reads an empty string in a custom
 * resource as null and refuses it; docs/e2e.md).
 */
function readmeDefaults(): Record<string, unknown> {
  const spec = structuredClone(DEFAULT_SPEC) as unknown as { trustBundle: { merge?: unknown; password: { secretName?: string } } };
  delete spec.trustBundle.merge;
  delete spec.trustBundle.password.secretName;
  return spec as unknown as Record<string, unknown>;
}

const merge = { after: 'cert-request', volume: 'config-data', store: 'certs/truststore.jks' };
const ok = (name: string, spec: Record<string, unknown> | undefined): PolicyDocumentCase => ({ name, spec, validator: 'accepts', schema: 'accepts' });
/** Let through by the schema, refused by the webhook: the policy shows Invalid. */
const invalid = (name: string, spec: Record<string, unknown>): PolicyDocumentCase => ({ name, spec, validator: 'refuses', schema: 'accepts' });
const refused = (name: string, spec: Record<string, unknown>): PolicyDocumentCase => ({ name, spec, validator: 'refuses', schema: 'refuses' });

export const POLICY_DOCUMENTS: readonly PolicyDocumentCase[] = [
  ok('no spec', undefined),
  ok('an empty spec', {}),
  ok('every field as the README spells the defaults', readmeDefaults()),
  ok('namespace names and globs, one of 63 characters', { namespaces: ['prod-*', 'nifi-?', 'a', 'n'.repeat(63)] }),
  ok('selectors with prefixed keys and every operator', {
    nifi: { selectors: [{ matchLabels: { 'app.kubernetes.io/name': 'nifi', tier: 'web' } }, { matchExpressions: [{ key: 'app', operator: 'In', values: ['nifi', 'nifi-2'] }, { key: 'x', operator: 'DoesNotExist' }] }] },
    ca: { selectors: [{ matchExpressions: [{ key: 'example.com/role', operator: 'NotIn', values: ['db'] }, { key: 'ca', operator: 'Exists' }] }] },
  }),
  ok('preferred placement by zone, weight 1', { placement: { mode: 'preferred', topologyKey: 'topology.kubernetes.io/zone', weight: 1 } }),
  ok('placement off, weight 100', { placement: { mode: 'off', weight: 100 } }),
  ok('env wiring: jks, a mount path with a trailing slash, named containers', { trustBundle: { format: 'jks', mountPath: '/trust/', containers: ['nifi', 'nifi-2'], key: 'tls.ca-bundle_1', secretName: 'prod.ca-bundle' } }),
  ok('pem, trust bundle disabled', { trustBundle: { format: 'pem', enabled: false } }),
  ok('password from a Secret', { trustBundle: { password: { secretName: 'truststore-pw', key: 'truststore-password' } } }),
  ok('password value of 6 characters', { trustBundle: { password: { value: 'secret' } } }),
  ok('merge wiring (the cetic recipe)', { trustBundle: { wiring: 'merge', secretName: 'nifi-ca-trust', merge: { ...merge, storeType: 'jks', passwordFile: 'certs/config.json', passwordKey: 'trustStorePassword' } } }),
  ok('merge wiring with the env-only fields at their defaults (what the API server stores)', {
    trustBundle: { wiring: 'merge', format: 'pkcs12', mountPath: '/opt/nifi/trust', containers: [], merge: { ...merge, storeType: 'pkcs12', passwordFile: 'certs/pw', runAsUser: 2147483647 } },
  }),
  ok('quantities as numbers, as a pod takes them', { trustBundle: { initContainer: { resources: { requests: { cpu: 0.5, memory: 33554432 }, limits: { cpu: 1, memory: '128Mi' } } } } }),
  ok('quantities with decimals, exponents and every resource kind', {
    caPinning: { initContainer: { resources: { requests: { cpu: '0.1', memory: '1e8', 'ephemeral-storage': '1Gi' }, limits: { cpu: '2', memory: '1Gi', 'hugepages-2Mi': '0', 'example.com/gpu': '1' } } } },
  }),
  ok('empty resources', { trustBundle: { initContainer: { resources: {} } } }),
  ok('a pull policy caPinning inherits', { trustBundle: { initContainer: { imagePullPolicy: 'Always' } }, caPinning: { enabled: true } }),
  ok('CA pinning with every field', {
    caPinning: { enabled: true, secretName: 'ca-keys', workDir: '/opt/toolkit/work', containers: ['ca'], runAsUser: 1001, initContainer: { image: 'registry.example.com/nifi-ca-guard@sha256:' + 'a'.repeat(64), imagePullPolicy: 'Never' } },
  }),
  ok('audit, with opt-out', { enforcement: 'audit', allowOptOut: true }),

  invalid('a mount path climbing with ..', { trustBundle: { mountPath: '/opt/../etc' } }),
  invalid('a password value shorter than 6', { trustBundle: { password: { value: 'abc' } } }),
  invalid('a password Secret and a value', { trustBundle: { password: { secretName: 'pw', value: 'changeit' } } }),
  invalid('merge wiring without its merge block', { trustBundle: { wiring: 'merge' } }),
  invalid('a merge block under env wiring', { trustBundle: { merge } }),
  invalid('merge wiring with another format', { trustBundle: { wiring: 'merge', format: 'jks', merge } }),
  invalid('a merge store climbing out of its volume', { trustBundle: { wiring: 'merge', merge: { ...merge, store: '../x' } } }),
  invalid('a request above its limit', { trustBundle: { initContainer: { resources: { requests: { cpu: '2' }, limits: { cpu: 1 } } } } }),
  invalid('a negative quantity', { trustBundle: { initContainer: { resources: { requests: { memory: '-1Mi' } } } } }),
  invalid('a quantity that is an object', { trustBundle: { initContainer: { resources: { limits: { memory: { value: 1 } } } } } }),
  invalid('an unknown resource name', { trustBundle: { initContainer: { resources: { limits: { cpus: '1' } } } } }),
  invalid('an empty selector', { ca: { selectors: [{}] } }),
  invalid('a label value with spaces', { nifi: { selectors: [{ matchLabels: { app: 'no spaces' } }] } }),
  invalid('a topology key that is no label key', { placement: { topologyKey: 'bad key!' } }),
  invalid('an image with a space', { trustBundle: { initContainer: { image: 'nifi ca' } } }),

  refused('an unknown placement mode', { placement: { mode: 'sometimes' } }),
  refused('weight 0', { placement: { weight: 0 } }),
  refused('weight 101', { placement: { weight: 101 } }),
  refused('a fractional weight', { placement: { weight: 50.5 } }),
  refused('an unknown format', { trustBundle: { format: 'bcfks' } }),
  refused('an unknown wiring', { trustBundle: { wiring: 'copy' } }),
  refused('an uppercase namespace', { namespaces: ['Bad_NS'] }),
  refused('no selectors', { nifi: { selectors: [] } }),
  refused('an unknown operator', { nifi: { selectors: [{ matchExpressions: [{ key: 'app', operator: 'Like', values: ['x'] }] }] } }),
  refused('a quantity that is no quantity', { trustBundle: { initContainer: { resources: { limits: { memory: 'lots' } } } } }),
  refused('a container name in capitals', { trustBundle: { containers: ['Nifi'] } }),
  refused('an uppercase Secret name', { trustBundle: { secretName: 'UPPER' } }),
  refused('a Secret key with a space', { trustBundle: { key: 'a b' } }),
  refused('a relative mount path', { trustBundle: { mountPath: 'relative/path' } }),
  refused('mount path /', { trustBundle: { mountPath: '/' } }),
  refused('mount path //', { trustBundle: { mountPath: '//' } }),
  refused('a mount path with :', { caPinning: { workDir: '/a:b' } }),
  refused('uid 0', { caPinning: { runAsUser: 0 } }),
  refused('an unknown enforcement', { enforcement: 'warn' }),
  refused('allowOptOut as a string', { allowOptOut: 'yes' }),
  refused('an unknown pull policy', { trustBundle: { initContainer: { imagePullPolicy: 'Sometimes' } } }),
  refused('an unknown merge store type', { trustBundle: { wiring: 'merge', merge: { ...merge, storeType: 'pem' } } }),
];

/** The whole document for a case. */
export function policyDocument(c: PolicyDocumentCase, name: string): Record<string, unknown> {
  return {
    apiVersion: 'nifi-ca-guard.io/v1alpha1',
    kind: 'NiFiTrustPolicy',
    metadata: { name },
    ...(c.spec === undefined ? {} : { spec: structuredClone(c.spec) }),
  };
}
