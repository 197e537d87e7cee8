import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SecureContextOptions } from 'node:tls';
import type { Logger } from 'pino';
import { checkPair, type TlsPair } from './pair.js';

export const DEFAULT_RELOAD_INTERVAL_MS = 5000;

/** What a reload updates: an https.Server fits. */
export interface SecureContextTarget {
  setSecureContext(options: SecureContextOptions): void;
}

export interface ReloadOptions {
  certFile: string;
  keyFile: string;
  target: SecureContextTarget;
  /** The pair the server started with; its content is not re-applied. */
  initial: TlsPair;
  logger: Logger;
  intervalMs?: number;
  onReload?: (pair: TlsPair) => void;
}

export interface Reloader {
  /** One check now; true when a new pair was applied. */
  check(): boolean;
  current(): TlsPair;
  stop(): void;
}

/**
 * Polls file contents rather than watching inodes: Kubernetes Secret volumes swap a `..data`
 * symlink, editors rename, cert-manager rewrites in place; reading both files catches them all.
 * A pair that fails to parse or match is logged once and the serving context is kept.
 */
export function watchPair(options: ReloadOptions): Reloader {
  const { certFile, keyFile, target, logger } = options;
  let current = options.initial;
  let seen = digest(current.cert, current.key);
  let lastProblem = '';

  const warnOnce = (problem: string): void => {
    if (problem === lastProblem) return;
    lastProblem = problem;
    logger.warn({ certFile, keyFile, problem, serving: current.serial }, 'tls reload skipped; keeping the current certificate');
  };

  const check = (): boolean => {
    let cert: string;
    let key: string;
    try {
      cert = readFileSync(certFile, 'utf8');
      key = readFileSync(keyFile, 'utf8');
    } catch (err) {
      warnOnce(`cannot read (${(err as NodeJS.ErrnoException).code ?? 'read error'})`);
      return false; // a symlink swap in progress: try again next tick
    }
    const d = digest(cert, key);
    if (d === seen) return false;
    seen = d;
    try {
      const pair = checkPair(cert, key);
      target.setSecureContext({ cert: pair.cert, key: pair.key });
      const previous = current.serial;
      current = pair;
      lastProblem = '';
      logger.info({ serial: pair.serial, fingerprint256: pair.fingerprint256, notAfter: pair.notAfter, previous }, 'tls certificate reloaded');
      options.onReload?.(pair);
      return true;
    } catch (err) {
      warnOnce((err as Error).message);
      return false;
    }
  };

  const timer = setInterval(check, options.intervalMs ?? DEFAULT_RELOAD_INTERVAL_MS);
  timer.unref();
  return { check, current: () => current, stop: () => clearInterval(timer) };
}

function digest(cert: string, key: string): string {
  return createHash('sha256').update(cert).update('\0').update(key).digest('hex');
}
