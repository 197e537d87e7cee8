import type { Response } from 'express';

/** Every non-review answer has this shape: a stable code and a one-line message. */
export interface ErrorBody {
  error: { code: string; message: string };
}

export function sendError(res: Response, status: number, code: string, message: string): void {
  const body: ErrorBody = { error: { code, message } };
  res.status(status).json(body);
}

/** A rejection the edge decides itself (content type, method). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

interface BodyParserError {
  type: string;
  status: number;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  const e = err as Partial<BodyParserError> | null;
  return typeof e?.type === 'string' && typeof e.status === 'number';
}

/**
 * Maps body-parser failures to status, code and a fixed message. Fixed, because V8's JSON
 * errors quote the input, and the input may be a pod.
 */
export function classifyBodyError(err: unknown): { status: number; code: string; message: string } | undefined {
  if (!isBodyParserError(err)) return undefined;
  switch (err.type) {
    case 'entity.too.large':
      return { status: 413, code: 'BodyTooLarge', message: 'request body exceeds the 7 MiB limit' };
    case 'entity.parse.failed':
      return { status: 400, code: 'MalformedJson', message: 'request body is not valid JSON' };
    case 'encoding.unsupported':
      return { status: 415, code: 'UnsupportedEncoding', message: 'content encoding is not supported' };
    case 'charset.unsupported':
      return { status: 415, code: 'UnsupportedCharset', message: 'charset must be utf-8' };
    case 'request.aborted':
      return { status: 400, code: 'RequestAborted', message: 'request body was not received completely' };
    default:
      return err.status >= 400 && err.status < 500
        ? { status: err.status, code: 'BadRequest', message: 'request body could not be read' }
        : undefined;
  }
}
