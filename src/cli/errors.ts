import { exitStatus, type ExitErrorCode } from '../errors.js';
import { PolicyError, policyErrorLines } from '../policy/errors.js';

/**
 * An error whose message is a complete one-line reason for the user; the CLI prints it and exits with
 * its code's status from the error registry (src/errors.ts): 1 for Failed.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: ExitErrorCode = 'Failed',
  ) {
    super(message);
    this.name = 'CliError';
  }

  get exitCode(): number {
    return exitStatus(this.code);
  }
}

/**
 * The command did its work and printed its output, but a check the user asked for failed (preview
 * --fail-on-unmatched). Its own exit status, so CI can tell "found something" from "bad input".
 */
export class CheckFailed extends CliError {
  constructor(message: string) {
    super(message, 'CheckFailed');
    this.name = 'CheckFailed';
  }
}

/**
 * One line, whatever was thrown: never a stack trace on the terminal. The first line only: what
 * libraries put below it is context, e.g. the YAML parser quoting a kubeconfig's token lines.
 */
export function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? 'unknown error';
}

/**
 * What the CLI prints for an error, each line to be prefixed with "nifi-ca-guard: " on the first.
 * One line, except a refused policy: one issue per line, each with its field path.
 */
export function errorLines(err: unknown): string[] {
  if (err instanceof PolicyError) return policyErrorLines(err);
  return [oneLine(err)];
}
