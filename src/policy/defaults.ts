import type { PolicySpec } from './types.js';

export const DEFAULT_POLICY_NAME = 'default';
export const DEFAULT_IMAGE = 'nifi-ca-guard:0.1.0';

/** The built-in default policy; also the base every user policy is merged onto. */
export const DEFAULT_SPEC: PolicySpec = deepFreeze<PolicySpec>({
  namespaces: [],
  nifi: { selectors: [{ matchLabels: { app: 'nifi' } }, { matchLabels: { 'app.kubernetes.io/name': 'nifi' } }] },
  ca: { selectors: [{ matchLabels: { app: 'nifi-ca' } }, { matchLabels: { 'app.kubernetes.io/name': 'nifi-ca' } }] },
  placement: { mode: 'required', topologyKey: 'kubernetes.io/hostname', weight: 100 },
  trustBundle: {
    enabled: true,
    wiring: 'env',
    secretName: 'nifi-ca-trust',
    key: 'ca.crt',
    format: 'pkcs12',
    mountPath: '/opt/nifi/trust',
    containers: [],
    // A truststore holds public certificates only: its password guards integrity, not secrecy,
    // so a documented literal is a sane default; clusters may point at a Secret instead.
    password: { secretName: '', key: 'password', value: 'changeit' },
    // Only read with wiring: merge, which then needs after, volume and store.
    // The toolkit client writes a JKS truststore and its password to config.json's trustStorePassword;
    // apache/nifi-toolkit runs as uid 1000.
    merge: { after: '', volume: '', store: '', storeType: 'jks', passwordFile: '', passwordKey: '', runAsUser: 1000 },
    initContainer: {
      image: DEFAULT_IMAGE,
      imagePullPolicy: 'IfNotPresent',
      resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
    },
  },
  caPinning: {
    enabled: false,
    secretName: 'nifi-ca-keystore',
    workDir: '/var/lib/nifi-ca',
    containers: [],
    // The apache/nifi-toolkit image runs as user nifi (1000).
    runAsUser: 1000,
    initContainer: {
      image: DEFAULT_IMAGE,
      imagePullPolicy: 'IfNotPresent',
      resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
    },
  },
  enforcement: 'enforce',
  allowOptOut: false,
});

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
