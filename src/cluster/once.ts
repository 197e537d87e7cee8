// Logging by state change: a failure that repeats on every retry is logged when it starts or changes,
// and its end once, not once per attempt.
import type { Logger } from 'pino';

export class ChangeLog {
  #last: string | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
  ) {}

  /** A failure (or a problem list); logged only when its text differs from the last one. */
  failing(text: string, fields: Record<string, unknown> = {}): void {
    if (text === this.#last) return;
    this.#last = text;
    this.logger.warn({ ...fields, error: text }, `${this.what} failing; retrying`);
  }

  /** Success: logged once after a failure. */
  ok(fields: Record<string, unknown> = {}): void {
    if (this.#last === undefined) return;
    this.#last = undefined;
    this.logger.info(fields, `${this.what} working again`);
  }
}

/** Exponential backoff from `base`, doubling per consecutive failure, capped at `max`. */
export function backoff(base: number, failures: number, max: number): number {
  return Math.min(max, base * 2 ** Math.max(0, failures - 1));
}
