import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import type { ReviewSummary } from './admission/review.js';

export type { Logger };
export const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * JSON lines on stderr (stdout stays free for command output). Synchronous, so the last lines
 * before exit are not lost. Redaction is a safety net; callers log named fields only.
 */
export function createLogger(level: LevelWithSilent, destination?: DestinationStream): Logger {
  return pino(
    {
      name: 'nifi-ca-guard',
      level,
      redact: { paths: ['object', 'pod', 'patch', 'cert', 'key', 'pem', 'data', '*.object', '*.patch'], censor: '[redacted]' },
    },
    destination ?? pino.destination({ dest: 2, sync: true }),
  );
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
    'admission',
  );
}
