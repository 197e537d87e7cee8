// The NiFiTrustPolicy document: the same shape in a local file and in the custom resource.

export const API_GROUP = 'nifi-ca-guard.io';
export const API_VERSION = `${API_GROUP}/v1alpha1`;
export const POLICY_KIND = 'NiFiTrustPolicy';

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

export interface TrustBundleSpec {
  enabled: boolean;
  secretName: string;
  key: string;
  format: TruststoreFormat;
  mountPath: string;
  containers: string[];
  password: PasswordSource;
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
