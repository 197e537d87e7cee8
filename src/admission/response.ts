import type { Operation as PatchOperation } from 'fast-json-patch';
import type { AdmissionResponse, AdmissionReviewOut } from './types.js';

/** Named constructors: every answer is a complete AdmissionReview in the request's apiVersion. */
export function allow(apiVersion: string, uid: string, extra: Omit<AdmissionResponse, 'uid' | 'allowed'> = {}): AdmissionReviewOut {
  const response: AdmissionResponse = { uid, allowed: true };
  if (extra.warnings && extra.warnings.length > 0) response.warnings = [...extra.warnings];
  if (extra.auditAnnotations && Object.keys(extra.auditAnnotations).length > 0) {
    response.auditAnnotations = { ...extra.auditAnnotations };
  }
  return { apiVersion, kind: 'AdmissionReview', response };
}

/** patchType is set only when there is a patch: an empty JSONPatch is rejected by some API servers. */
export function patched(
  apiVersion: string,
  uid: string,
  patch: readonly PatchOperation[],
  extra: Pick<AdmissionResponse, 'warnings' | 'auditAnnotations'> = {},
): AdmissionReviewOut {
  const review = allow(apiVersion, uid, extra);
  if (patch.length > 0) {
    review.response.patchType = 'JSONPatch';
    review.response.patch = Buffer.from(JSON.stringify(patch), 'utf8').toString('base64');
  }
  return review;
}
