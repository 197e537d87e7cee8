import type { Response } from 'express';
import { httpStatus, type HttpErrorCode } from '../errors.js';
import { BODY_LIMIT_TEXT } from './body.js';

/** Every non-review answer has this shape: a stable code and a one-line message. */
export interface ErrorBody {
  error: { code: HttpErrorCode; message: string };
}

/** Answers with the code's status from the error registry (src/errors.ts). */
export function sendError(res: Response, code: HttpErrorCode, message: string): void {
  const body: ErrorBody = { error: { code, message } };
  res.status(httpStatus(code)).json(body);
}

/** A rejection the edge decides itself (content type, depth, not synced); its status is its code's. */
export class HttpError extends Error {
  /** A plain property, not a getter: body-parser (http-errors) assigns it when a verify hook throws. */
  readonly status: number;

  constructor(
    readonly code: HttpErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = httpStatus(code);
  }
}

interface BodyParserError {
  type?: string;
  status: number;
  code?: string;
}

/** body-parser's errors carry a status; its own have a type, a failed decompression zlib's code. */
function isBodyParserError(err: unknown): err is BodyParserError {
  const e = err as Partial<BodyParserError> | null;
  return typeof e?.status === 'number' && (typeof e.type === 'string' || typeof e.code === 'string');
}

/** zlib's codes for input that does not decode (Z_DATA_ERROR, Z_BUF_ERROR, ERR_BROTLI_..., ERR__ZSTD_...). */
function isDecodeError(code: string | undefined): boolean {
  return code !== undefined && (/^Z_[A-Z_]+$/.test(code) || code.startsWith('ERR_BROTLI') || code.startsWith('ERR_ZSTD') || code.startsWith('ERR__'));
}

/**
 * Maps body-parser failures to a code (whose status the registry gives) and a fixed message. Fixed,
 * because V8's JSON errors quote the input, and the input may be a pod.
 */
export function classifyBodyError(err: unknown): { code: HttpErrorCode; message: string } | undefined {
  if (!isBodyParserError(err)) return undefined;
  // A body that does not decode as its Content-Encoding says is the client's fault (it was a 500 with a stack).
  if (err.type === undefined) {
    return isDecodeError(err.code) ? { code: 'MalformedEncoding', message: 'request body does not decode as its Content-Encoding says' } : undefined;
  }
  switch (err.type) {
    case 'entity.too.large':
      return { code: 'BodyTooLarge', message: `request body exceeds the ${BODY_LIMIT_TEXT} limit` };
    case 'entity.parse.failed':
      return { code: 'MalformedJson', message: 'request body is not valid JSON' };
    case 'encoding.unsupported':
      return { code: 'UnsupportedEncoding', message: 'content encoding is not supported' };
    case 'charset.unsupported':
      return { code: 'UnsupportedCharset', message: 'charset must be utf-8' };
    case 'request.aborted':
      return { code: 'RequestAborted', message: 'request body was not received completely' };
    default:
      // What else body-parser reports as the client's (request.size.invalid, a 400) is BadRequest.
      return err.status >= 400 && err.status < 500 ? { code: 'BadRequest', message: 'request body could not be read' } : undefined;
  }
}
