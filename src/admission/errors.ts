import type { HttpErrorCode } from '../errors.js';

/** A request the webhook cannot answer as an AdmissionReview: the HTTP edge answers its code's status (400). */
export class BadReviewError extends Error {
  constructor(
    readonly code: HttpErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BadReviewError';
  }
}

/** The planned patch does not apply to the pod: a bug, answered 500 so the failurePolicy decides. */
export class UnappliablePatchError extends Error {
  constructor(
    readonly problem: { code: string; index: number; op: string },
    readonly role: string,
  ) {
    super(`patch operation ${problem.index} (${problem.op}) does not apply: ${problem.code}`);
    this.name = 'UnappliablePatchError';
  }
}
