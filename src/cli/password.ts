// Where a store password comes from: a file (a mounted Secret key) or an environment variable.
import { readFile } from 'node:fs/promises';
import { CliError } from './errors.js';

export interface PasswordFlags {
  passwordFile?: string;
  passwordEnv?: string;
}

/** Reads the password named by the flags; undefined when neither flag is given. Never echoes the value. */
export async function readPassword(flags: PasswordFlags, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (flags.passwordFile && flags.passwordEnv) throw new CliError('give --password-file or --password-env, not both');
  if (flags.passwordFile) {
    let text: string;
    try {
      text = await readFile(flags.passwordFile, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read password file ${flags.passwordFile}: ${ioReason(err)}`);
    }
    const pw = text.replace(/\r?\n$/, '');
    if (!pw) throw new CliError(`password file ${flags.passwordFile} is empty`);
    return pw;
  }
  if (flags.passwordEnv) {
    const pw = env[flags.passwordEnv];
    if (pw === undefined) throw new CliError(`environment variable ${flags.passwordEnv} is not set`);
    if (!pw) throw new CliError(`environment variable ${flags.passwordEnv} is empty`);
    return pw;
  }
  return undefined;
}

/** A short reason for a failed file operation, without Node's stack or syscall noise. */
export function ioReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a parent is not a directory';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    default:
      return code ?? (err instanceof Error ? err.message.split('\n')[0]! : 'unknown error');
  }
}
