import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import type { ReviewSummary } from './admission/review.js';

export type { Logger };
export const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Longest string logged per field; a review's uid or name is client input (a 1 MB uid made a 2 MB line). */
export const MAX_LOG_FIELD_CHARS = 256;
/** Most array items logged per field (e.g. a policy's issues). */
export const MAX_LOG_ARRAY_ITEMS = 20;
const MAX_LOG_DEPTH = 4;

/** The message of the one line per admission; only these lines wait in a buffered destination. */
export const ADMISSION_MSG = 'admission';
/** serve's admission lines are written when this many bytes wait, or LOG_FLUSH_MS after the first. */
export const LOG_BUFFER_BYTES = 4096;
export const LOG_FLUSH_MS = 1000;

/** A destination whose waiting lines can be written out at once. */
export interface BufferedDestination extends DestinationStream {
  flushSync(): void;
}

/**
 * serve's stderr (`dest`: a file descriptor or path). One write(2) per admission line was a twentieth
 * of serve's CPU time at saturation, so admission lines wait here, up to LOG_BUFFER_BYTES or
 * LOG_FLUSH_MS (sonic-boom's minLength and periodicFlush). Every other line writes them out with
 * itself at once (createLogger's hook), so order is kept and warnings are never late; so does exit,
 * however it comes (a SIGKILL can lose at most LOG_FLUSH_MS of admission lines).
 */
export function bufferedDestination(dest: number | string = 2): BufferedDestination {
  const stream = pino.destination({ dest, sync: true, minLength: LOG_BUFFER_BYTES, periodicFlush: LOG_FLUSH_MS });
  process.on('exit', () => stream.flushSync());
  return stream;
}

/**
 * JSON lines on stderr (stdout stays free for command output). Synchronous, so the last lines
 * before exit are not lost; a BufferedDestination holds admission lines only. Redaction is a
 * safety net; callers log named fields only. Every field is bounded, whoever logs it.
 */
export function createLogger(level: LevelWithSilent, destination?: DestinationStream | BufferedDestination): Logger {
  const buffered = destination !== undefined && 'flushSync' in destination && typeof destination.flushSync === 'function' ? destination : undefined;
  return pino(
    {
      name: 'nifi-ca-guard',
      level,
      redact: { paths: ['object', 'pod', 'patch', 'cert', 'key', 'pem', 'data', '*.object', '*.patch'], censor: '[redacted]' },
      formatters: { log: (fields) => bounded(fields, 0) as Record<string, unknown> },
      ...(buffered
        ? {
            hooks: {
              logMethod(this: Logger, args: Parameters<Logger['info']>, method: (...a: unknown[]) => void) {
                method.apply(this, args);
                if (args[1] !== ADMISSION_MSG) buffered.flushSync();
              },
            },
          }
        : {}),
    },
    destination ?? pino.destination({ dest: 2, sync: true }),
  );
}

/** Strings cut to MAX_LOG_FIELD_CHARS, arrays to MAX_LOG_ARRAY_ITEMS, nesting to MAX_LOG_DEPTH; each cut says how much. */
export function bounded(value: unknown, depth: number): unknown {
  if (typeof value === 'string') {
    return value.length <= MAX_LOG_FIELD_CHARS ? value : `${value.slice(0, MAX_LOG_FIELD_CHARS)}...[${value.length - MAX_LOG_FIELD_CHARS} more chars]`;
  }
  if (value === null || typeof value !== 'object' || value instanceof Error) return value;
  if (depth >= MAX_LOG_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_LOG_ARRAY_ITEMS).map((v) => bounded(v, depth + 1));
    if (value.length > MAX_LOG_ARRAY_ITEMS) items.push(`...[${value.length - MAX_LOG_ARRAY_ITEMS} more items]`);
    return items;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[bounded(k, depth) as string] = bounded(v, depth + 1);
  return out;
}

/** The one line per admission: the summary's fields, picked by name so nothing else slips in. */
export function logAdmission(logger: Logger, s: ReviewSummary, durationMs: number): void {
  logger.info(
    {
      uid: s.uid,
      operation: s.operation,
      namespace: s.namespace,
      podName: s.name,
      role: s.role,
      reason: s.reason,
      patchOps: s.patchOps,
      warnings: s.warnings,
      dryRun: s.dryRun,
      durationMs: Math.round(durationMs * 1000) / 1000,
    },
    ADMISSION_MSG,
  );
}

export interface RateLimitedWarn {
  (fields: Record<string, unknown>): void;
  /** Logs the count still held back, if any (e.g. at shutdown). */
  flush(): void;
}

/**
 * At most `max` lines of one kind per `intervalMs`, then one line with how many were held back, so a
 * scanner (a cipher scan failed 137 handshakes) cannot flood the log. Counting is left to metrics.
 */
export function rateLimitedWarn(logger: Logger, msg: string, max: number, intervalMs: number, now: () => number = Date.now): RateLimitedWarn {
  let windowStart = -Infinity;
  let logged = 0;
  let held = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (held > 0) logger.warn({ notLogged: held, intervalMs }, `${msg} (more not logged)`);
    held = 0;
  };
  const warn = ((fields: Record<string, unknown>): void => {
    const t = now();
    if (t - windowStart >= intervalMs) {
      flush();
      windowStart = t;
      logged = 0;
    }
    if (logged < max) {
      logged++;
      logger.warn(fields, msg);
      return;
    }
    held++;
    if (!timer) {
      timer = setTimeout(flush, Math.max(0, windowStart + intervalMs - t));
      timer.unref();
    }
  }) as RateLimitedWarn;
  warn.flush = flush;
  return warn;
}
