import { isJson } from '../json.js';
import { BadReviewError } from './errors.js';
import type { DecodedReview, GroupVersionKind, Operation } from './types.js';

const OPERATIONS: readonly Operation[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];
const API_VERSIONS = ['admission.k8s.io/v1', 'admission.k8s.io/v1beta1'];

function str(obj: Record<string, unknown>, key: string, path: string, required: boolean): string {
  const v = obj[key];
  if (v === undefined && !required) return '';
  if (typeof v !== 'string' || (required && v === '')) {
    throw new BadReviewError('InvalidField', `${path}.${key}: must be a non-empty string`);
  }
  return v;
}

function gvk(v: unknown, path: string): GroupVersionKind {
  if (!isJson(v)) throw new BadReviewError('InvalidField', `${path}: must be an object`);
  return {
    group: str(v, 'group', path, false),
    version: str(v, 'version', path, true),
    kind: str(v, 'kind', path, true),
  };
}

/** Checks the shape of an AdmissionReview; the object itself is left raw for the planners. */
export function decodeReview(body: unknown): DecodedReview {
  if (!isJson(body)) throw new BadReviewError('NotAnObject', 'body: must be a JSON object');
  if (body.kind !== 'AdmissionReview') throw new BadReviewError('WrongKind', 'kind: must be AdmissionReview');
  const apiVersion = body.apiVersion;
  if (typeof apiVersion !== 'string' || !API_VERSIONS.includes(apiVersion)) {
    throw new BadReviewError('WrongApiVersion', `apiVersion: must be one of ${API_VERSIONS.join(', ')}`);
  }
  const req = body.request;
  if (!isJson(req)) throw new BadReviewError('MissingRequest', 'request: must be an object');
  const uid = str(req, 'uid', 'request', true);
  const operation = req.operation;
  if (typeof operation !== 'string' || !OPERATIONS.includes(operation as Operation)) {
    throw new BadReviewError('InvalidField', `request.operation: must be one of ${OPERATIONS.join(', ')}`);
  }
  const object = req.object;
  if (object !== undefined && object !== null && !isJson(object)) {
    throw new BadReviewError('InvalidField', 'request.object: must be an object');
  }
  if (operation === 'CREATE' && !isJson(object)) {
    throw new BadReviewError('InvalidField', 'request.object: required for CREATE');
  }
  return {
    apiVersion,
    request: {
      uid,
      kind: gvk(req.kind, 'request.kind'),
      operation: operation as Operation,
      subResource: str(req, 'subResource', 'request', false),
      namespace: str(req, 'namespace', 'request', false),
      name: str(req, 'name', 'request', false),
      dryRun: req.dryRun === true,
      object: isJson(object) ? object : undefined,
    },
  };
}
