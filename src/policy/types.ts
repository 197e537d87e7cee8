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

export interface PolicySpec {
  namespaces: string[];
  nifi: { selectors: LabelSelector[] };
  ca: { selectors: LabelSelector[] };
  placement: { mode: PlacementMode; topologyKey: string; weight: number };
  trustBundle: TrustBundleSpec;
  enforcement: Enforcement;
  allowOptOut: boolean;
}

/** A validated, defaulted, frozen policy. Everything downstream reads only this. */
export interface Policy {
  readonly name: string;
  readonly spec: Readonly<PolicySpec>;
}
