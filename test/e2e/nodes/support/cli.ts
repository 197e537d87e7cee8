// The project's CLI from the build, against the cluster with nodes through the suite's kubeconfig (as an
// operator runs `nifi-ca-guard ca init --apply` with their own).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { e2eEnv, REPO_ROOT } from '../../support/env.js';

const MAIN = path.join(REPO_ROOT, 'dist/src/main.js');

export function cli(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KUBECONFIG: e2eEnv().kubeconfig, ...env },
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

export async function cliOk(args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  const r = await cli(args, env);
  if (r.code !== 0) throw new Error(`nifi-ca-guard ${args.join(' ')} exited ${r.code}: ${r.out.trim()}`);
  return r.out;
}
