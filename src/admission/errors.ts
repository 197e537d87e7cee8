/** A request the webhook cannot answer as an AdmissionReview: the HTTP edge maps it to 400. */
export class BadReviewError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BadReviewError';
  }
}
