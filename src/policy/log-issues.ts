import type { Logger } from 'pino';
import { MAX_ISSUE_LINES } from './errors.js';

/**
 * Logs a refused policy as one line per issue (its field path in `issue`), then the summary line
 * with the count: all issues in one record made lines of thousands of characters. Capped, since a
 * large broken object can have thousands of issues.
 */
export function logRejectedPolicy(logger: Logger, context: Record<string, unknown>, issues: readonly string[], msg: string): void {
  const shown = issues.slice(0, MAX_ISSUE_LINES);
  for (const issue of shown) logger.warn({ ...context, issue }, 'policy problem');
  const unlogged = issues.length - shown.length;
  logger.warn({ ...context, problems: issues.length, ...(unlogged > 0 ? { notLogged: unlogged } : {}) }, msg);
}
