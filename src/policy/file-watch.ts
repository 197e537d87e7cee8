import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { PolicyError } from './errors.js';
import { parsePolicyText } from './load.js';
import { logRejectedPolicy } from './log-issues.js';
import type { PolicyStore } from './store.js';

export interface PolicyWatch {
  /** One check now; true when a new policy was put in force. */
  check(): boolean;
  stop(): void;
}

/**
 * Polls the policy file's content (a ConfigMap volume swaps a symlink; editors rename). A changed
 * file that fails validation is logged with its field paths and the policy in force is kept.
 */
export function watchPolicyFile(file: string, store: PolicyStore, logger: Logger, intervalMs: number, loadedText?: string): PolicyWatch {
  // Start from the text the policy in force came from, so an edit made since then is not missed.
  let seen = digestOf(loadedText ?? safeRead(file) ?? '');
  const check = (): boolean => {
    const text = safeRead(file);
    if (text === undefined) return false; // mid-swap or deleted: keep serving what we have
    const d = digestOf(text);
    if (d === seen) return false;
    seen = d;
    try {
      const policy = parsePolicyText(text, file, store.defaults);
      store.set(policy);
      logger.info({ policy: policy.name, file }, 'policy reloaded');
      return true;
    } catch (err) {
      const issues = err instanceof PolicyError ? err.issues : [String(err)];
      logRejectedPolicy(logger, { file, inForce: store.current().name }, issues, 'policy rejected; keeping the last good policy');
      return false;
    }
  };
  const timer = setInterval(check, intervalMs);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}

function safeRead(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
