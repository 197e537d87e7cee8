// The one way the CLI creates directories (certs --out, ca --dir).
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CliError } from './errors.js';

/**
 * Creates `dir` and its missing parents, or throws one CliError naming the flag, the directory that
 * could not be made and what to do. Hand-written instead of mkdir({ recursive: true }): on procfs and
 * sysfs mkdir answers ENOENT although the parent exists, and Node's recursive mkdir then retries that
 * forever at 100% CPU (`certs --out /proc/nope` never returned). Here every level is tried once.
 */
export async function makeDirectory(dir: string, flag: string): Promise<void> {
  const target = resolve(dir);
  // Walk up to the nearest existing ancestor; what lies below it is created top-down.
  const missing: string[] = [];
  for (let cur = target; ; cur = dirname(cur)) {
    const kind = await kindOf(cur, dir, flag);
    if (kind === 'directory') break;
    if (kind === 'other') throw new CliError(`${flag} ${dir}: ${cur} exists and is not a directory; choose another directory`);
    missing.unshift(cur);
    if (dirname(cur) === cur) break; // no root: nothing left to walk up to
  }
  for (const d of missing) {
    try {
      await mkdir(d);
    } catch (err) {
      // Made meanwhile by someone else (a concurrent run): fine if it is a directory.
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && (await kindOf(d, dir, flag)) === 'directory') continue;
      throw new CliError(`${flag} ${dir}: cannot create ${d} (${reason(err)}); choose a directory you can write to`);
    }
  }
}

async function kindOf(path: string, dir: string, flag: string): Promise<'directory' | 'other' | 'missing'> {
  try {
    return (await stat(path)).isDirectory() ? 'directory' : 'other';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENOTDIR: a parent is a file; walking up finds and names it.
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw new CliError(`${flag} ${dir}: cannot look at ${path} (${reason(err)}); choose a directory you can write to`);
  }
}

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOENT':
      // Its parent exists (checked above): the file system itself takes no new directories (procfs, sysfs).
      return 'this file system does not allow new directories';
    case 'ENOSPC':
      return 'no space left on device';
    case undefined:
      return err instanceof Error ? err.message.split('\n')[0]! : String(err);
    default:
      return code;
  }
}
