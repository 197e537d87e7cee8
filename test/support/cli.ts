// Runs the built CLI as a user would: a child process, exit code, stdout and stderr.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
/** dist/test/support -> dist/src/main.js */
export const MAIN = resolve(here, '../../src/main.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<Run> {
  return run(process.execPath, [MAIN, ...args], env, cwd);
}

export function run(cmd: string, args: string[], env: Record<string, string> = {}, cwd?: string, timeout = 60_000): Promise<Run> {
  return new Promise((done) => {
    execFile(cmd, args, { env: { ...process.env, ...env }, cwd, timeout, maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      done({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
