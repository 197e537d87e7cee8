// The slice of admission.k8s.io/v1 AdmissionReview that the webhook reads and writes.

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** A decoded request: only what has been checked is typed; the pod stays raw JSON. */
export interface AdmissionRequest {
  uid: string;
  kind: GroupVersionKind;
  operation: Operation;
  /** Set for subresource requests (pods/binding, pods/ephemeralcontainers): never mutated. */
  subResource: string;
  namespace: string;
  name: string;
  dryRun: boolean;
  object: Record<string, unknown> | undefined;
}

export interface DecodedReview {
  apiVersion: string;
  request: AdmissionRequest;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  patchType?: 'JSONPatch';
  patch?: string;
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
  status?: { code: number; message: string };
}

export interface AdmissionReviewOut {
  apiVersion: string;
  kind: 'AdmissionReview';
  response: AdmissionResponse;
}
