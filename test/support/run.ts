// Runs a tool other than the CLI (java, keytool, tar, helm) as a user would: exit code, stdout and
// stderr as strings. The built CLI itself runs through cli.ts.
import { execFile } from 'node:child_process';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], env: Record<string, string> = {}, cwd?: string, timeout = 60_000): Promise<Run> {
  return new Promise((done) => {
    execFile(cmd, args, { env: { ...process.env, ...env }, cwd, timeout, maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      done({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
