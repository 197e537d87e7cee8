// Where a store password comes from: a file (a mounted Secret key, or a JSON file such as the
// toolkit's config.json with --password-json-key) or an environment variable.
import { readFile } from 'node:fs/promises';
import { CliError } from './errors.js';

export interface PasswordFlags {
  passwordFile?: string;
  passwordEnv?: string;
  /** Read --password-file as JSON and take the string at this top-level key. */
  passwordJsonKey?: string;
}

/** Reads the password named by the flags; undefined when neither flag is given. Never echoes the value. */
export async function readPassword(flags: PasswordFlags, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (flags.passwordFile && flags.passwordEnv) throw new CliError('give --password-file or --password-env, not both');
  if (flags.passwordJsonKey !== undefined && !flags.passwordFile) throw new CliError('--password-json-key needs --password-file');
  if (flags.passwordFile) {
    let text: string;
    try {
      text = await readFile(flags.passwordFile, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read password file ${flags.passwordFile}: ${ioReason(err)}`);
    }
    if (flags.passwordJsonKey !== undefined) return jsonPassword(text, flags.passwordFile, flags.passwordJsonKey);
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

/** The string at a top-level key. Errors name the file and key only: JSON.parse's message quotes the text, i.e. secrets. */
function jsonPassword(text: string, file: string, key: string): string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new CliError(`password file ${file} is not valid JSON`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new CliError(`password file ${file} is not a JSON object`);
  if (!Object.prototype.hasOwnProperty.call(doc, key)) throw new CliError(`password file ${file} has no key ${JSON.stringify(key)}`);
  const pw = (doc as Record<string, unknown>)[key];
  if (typeof pw !== 'string' || pw === '') throw new CliError(`password file ${file}: key ${JSON.stringify(key)} is not a non-empty string`);
  return pw;
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
