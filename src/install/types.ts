// The plain Kubernetes objects the install is made of: JSON data, nothing typed beyond what is read back.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
}

/** Any Kubernetes object: apiVersion, kind, metadata, and its own fields. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}
