// One `ca` command at a time per manifest directory: DIR/.nifi-ca-guard.lock, created whole and
// exclusively (link(2) of a written temporary file fails with EEXIST), held from the first read to the last write. Concurrent `ca rotate --dir` runs otherwise
// read the same pair and each write its own: lost rotations, and a private Secret whose CA the bundle
// lacks. A second command refuses at once, naming the lock and its holder; a lock left by a killed
// process is reported as stale (its pid is gone) with the command that removes it.
import { readFileSync, rmSync } from 'node:fs';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CliError } from './errors.js';
import { ioReason } from './password.js';

export const LOCK_FILE = '.nifi-ca-guard.lock';

interface Holder {
  pid?: number;
  host?: string;
  since?: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function heldBy(path: string, text: string): string {
  let h: Holder = {};
  try {
    h = JSON.parse(text) as Holder;
  } catch {
    /* a lock written by hand, or half-written: still a lock */
  }
  const who = typeof h.pid === 'number' ? `pid ${h.pid}${h.host ? ` on ${h.host}` : ''}${h.since ? ` since ${h.since}` : ''}` : 'an unknown process';
  const stale = typeof h.pid === 'number' && (!h.host || h.host === hostname()) && !alive(h.pid);
  return stale
    ? `${path} is a stale lock (${who}, which is no longer running): remove it with rm ${path} and re-run`
    : `another ca command holds ${path} (${who}); wait for it to finish and re-run, or if none is running, remove it with rm ${path}`;
}

export interface DirLock {
  release(): Promise<void>;
}

/** Takes the directory's lock; a directory that does not exist has nothing to protect (no lock). */
export async function lockDir(dir: string): Promise<DirLock> {
  const path = join(dir, LOCK_FILE);
  const mine = `${JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() })}\n`;
  const tmp = `${path}.${process.pid}.tmp`;
  // Only our own lock is removed: by then someone may have removed a lock they took for stale and made theirs.
  const ours = (text: string | undefined): boolean => text === mine;
  // Interrupted (Ctrl-C, kill): every write is an atomic rename, so the files are whole; leave no lock
  // behind. Listening before the lock exists: a signal in between must not leave it (or the temporary file).
  const onSignal = (signal: NodeJS.Signals): void => {
    try {
      if (ours(readFileSync(path, 'utf8'))) rmSync(path, { force: true });
    } catch {
      /* already gone */
    }
    rmSync(tmp, { force: true });
    process.kill(process.pid, signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const stopListening = (): void => {
    for (const s of signals) process.removeListener(s, onSignal);
  };
  for (const s of signals) process.once(s, onSignal);
  try {
    // Written first, then linked into place: the lock is never seen empty or half-written.
    await writeFile(tmp, mine, { mode: 0o600 });
    await link(tmp, path);
  } catch (err) {
    stopListening();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { release: async () => undefined };
    if (code === 'EEXIST') throw new CliError(heldBy(path, await readFile(path, 'utf8').catch(() => '')));
    throw new CliError(`cannot create the lock ${path}: ${ioReason(err)}`);
  } finally {
    await rm(tmp, { force: true });
  }
  return {
    async release() {
      stopListening();
      if (ours(await readFile(path, 'utf8').catch(() => undefined))) await rm(path, { force: true });
    },
  };
}
