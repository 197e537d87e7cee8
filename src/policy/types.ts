// The NiFiTrustPolicy document: the same shape in a local file and in the custom resource.

export const API_GROUP = 'nifi-ca-guard.io';
export const API_VERSION = `${API_GROUP}/v1alpha1`;
export const POLICY_KIND = 'NiFiTrustPolicy';
/** The data key of the install's policy ConfigMap (mounted as the file `serve --policy` reads). */
export const POLICY_CONFIG_KEY = 'policy.yaml';

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  key: string;
  operator: SelectorOperator;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export type PlacementMode = 'required' | 'preferred' | 'off';
export type TruststoreFormat = 'pkcs12' | 'jks' | 'pem';
export type Enforcement = 'enforce' | 'audit';

export interface ResourceRequirements {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

export interface InitContainerSpec {
  image: string;
  imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  resources: ResourceRequirements;
}

/** Where the truststore password comes from. No secretName: the literal `value` is used. */
export interface PasswordSource {
  secretName: string;
  key: string;
  value: string;
}

/**
 * How the bundle reaches the truststore NiFi reads:
 * - env: an init container writes a truststore into an emptyDir the NiFi containers mount, and
 *   TRUSTSTORE_* point at it (read by the apache/nifi image's start script in its secured modes);
 * - merge: after the pod's own enrolment init container (tls-toolkit.sh client), an init container
 *   adds every bundle CA into the store enrolment wrote, in place; NiFi's containers are not touched.
 */
export type TrustWiring = 'env' | 'merge';
export type MergeStoreType = 'jks' | 'pkcs12';

export interface MergeSpec {
  /** The enrolment init container; the merge step runs right after it. */
  after: string;
  /** The pod volume holding the store enrolment writes. */
  volume: string;
  /** The store's path relative to that volume's root. */
  store: string;
  storeType: MergeStoreType;
  /** A file relative to the volume's root holding the store password; '' uses trustBundle.password. */
  passwordFile: string;
  /** The top-level JSON key of passwordFile holding the password ('' : the file is the password). */
  passwordKey: string;
  /** The merge step's uid when neither the enrolment container nor the pod sets one. */
  runAsUser: number;
}

export interface TrustBundleSpec {
  enabled: boolean;
  wiring: TrustWiring;
  secretName: string;
  key: string;
  format: TruststoreFormat;
  mountPath: string;
  containers: string[];
  password: PasswordSource;
  merge: MergeSpec;
  initContainer: InitContainerSpec;
}

/**
 * CA pinning for nifi-ca pods: an init container restores the toolkit's keystore and config.json
 * from a Secret into a writable emptyDir at the toolkit's working directory, so a rescheduled
 * nifi-ca keeps its CA key instead of generating a new one.
 */
export interface CaPinningSpec {
  enabled: boolean;
  /** The private Secret `nifi-ca-guard ca init|adopt` writes (config.json + nifi-ca-keystore.<type>). */
  secretName: string;
  /** The toolkit's working directory: where it looks for config.json. Not the toolkit's install directory. */
  workDir: string;
  /** Containers that run the toolkit server; empty: every container. */
  containers: string[];
  /** The uid the toolkit runs as (the restored files must be readable and config.json writable by it). */
  runAsUser: number;
  initContainer: InitContainerSpec;
}

export interface PolicySpec {
  namespaces: string[];
  nifi: { selectors: LabelSelector[] };
  ca: { selectors: LabelSelector[] };
  placement: { mode: PlacementMode; topologyKey: string; weight: number };
  trustBundle: TrustBundleSpec;
  caPinning: CaPinningSpec;
  enforcement: Enforcement;
  allowOptOut: boolean;
}

/** A validated, defaulted, frozen policy. Everything downstream reads only this. */
export interface Policy {
  readonly name: string;
  readonly spec: Readonly<PolicySpec>;
}
