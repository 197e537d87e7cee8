// The one error registry: every stable error code with the HTTP status the webhook answers it with
// and the exit status the CLI ends with. The edges (src/http, src/cli, main.ts) take their numbers
// from here and nowhere else; README's "Error codes" table mirrors it (a unit test keeps them equal).
// A leaf module: imports nothing, so every layer may use it.

export interface ErrorSpec {
  /** The status of the webhook's JSON error answer; null where no HTTP edge answers with this code. */
  readonly http: number | null;
  /** The CLI's exit status; null where the CLI never ends with this code. */
  readonly exit: number | null;
  /** One line for the docs. */
  readonly meaning: string;
}

const TABLE = {
  // The webhook: a request it cannot answer as an AdmissionReview (the client's fault: 4xx).
  EmptyBody: { http: 400, exit: null, meaning: 'request body is empty' },
  MalformedJson: { http: 400, exit: null, meaning: 'request body is not valid JSON' },
  MalformedEncoding: { http: 400, exit: null, meaning: 'request body does not decode as its Content-Encoding says' },
  RequestAborted: { http: 400, exit: null, meaning: 'request body was not received completely' },
  BadRequest: { http: 400, exit: null, meaning: 'request body could not be read (any other client error while reading it)' },
  TooDeep: { http: 400, exit: null, meaning: 'request body nests JSON deeper than 512 levels' },
  NotAnObject: { http: 400, exit: null, meaning: 'the review is not a JSON object' },
  WrongKind: { http: 400, exit: null, meaning: 'kind is not AdmissionReview' },
  WrongApiVersion: { http: 400, exit: null, meaning: 'apiVersion is not admission.k8s.io/v1 or v1beta1' },
  MissingRequest: { http: 400, exit: null, meaning: 'the review has no request object' },
  InvalidField: { http: 400, exit: null, meaning: 'a field of the request the webhook reads has the wrong type or is missing' },
  NotFound: { http: 404, exit: null, meaning: 'no such route' },
  MethodNotAllowed: { http: 405, exit: null, meaning: '/mutate takes POST only' },
  BodyTooLarge: { http: 413, exit: null, meaning: 'request body exceeds 4 MiB (after decompression)' },
  UnsupportedMediaType: { http: 415, exit: null, meaning: 'Content-Type is not application/json' },
  UnsupportedEncoding: { http: 415, exit: null, meaning: 'Content-Encoding is not one the webhook decodes' },
  UnsupportedCharset: { http: 415, exit: null, meaning: 'charset is not utf-8' },
  // The webhook's own failures: 5xx, so the API server applies the failurePolicy.
  UnappliablePatch: { http: 500, exit: null, meaning: 'the planned patch does not apply to the pod (a bug; counted in a metric)' },
  InternalError: { http: 500, exit: 1, meaning: 'an unexpected error (webhook: the review failed; CLI: the command failed)' },
  NotSynced: { http: 503, exit: null, meaning: 'cluster policies are not listed yet (--watch-policies)' },
  // The CLI: its exit statuses are a contract with scripts and CI (0 is success).
  Failed: { http: null, exit: 1, meaning: 'bad input or a failed operation: unreadable file, invalid YAML/JSON or policy, refused write' },
  Usage: { http: null, exit: 2, meaning: 'usage error: unknown command or option, missing argument' },
  CheckFailed: { http: null, exit: 3, meaning: 'the command did its work, but a check asked for failed (preview --fail-on-unmatched)' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof TABLE;
/** The codes the webhook answers with. */
export type HttpErrorCode = { [K in ErrorCode]: (typeof TABLE)[K]['http'] extends number ? K : never }[ErrorCode];
/** The codes a CLI run ends with. */
export type ExitErrorCode = { [K in ErrorCode]: (typeof TABLE)[K]['exit'] extends number ? K : never }[ErrorCode];

for (const spec of Object.values(TABLE)) Object.freeze(spec);
export const ERRORS: Readonly<typeof TABLE> = Object.freeze(TABLE);

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERRORS, code);
}

/** The HTTP status of a webhook error answer. */
export function httpStatus(code: HttpErrorCode): number {
  return ERRORS[code].http;
}

/** The CLI's exit status for a code. */
export function exitStatus(code: ExitErrorCode): number {
  return ERRORS[code].exit;
}
