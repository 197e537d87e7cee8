// kubectl (Debian's 1.20 client, matching the server) against the suite's control plane.
import { spawn } from 'node:child_process';
import { e2eEnv } from './env.js';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface KubectlOptions {
  input?: string;
  timeoutMs?: number;
  /** Another kubeconfig than the suite's admin one (e.g. the webhook's ServiceAccount). */
  kubeconfig?: string;
}

// Everything the suites reach is on this machine: loopback, and the node bridge's address.
const NO_PROXY = ['127.0.0.1', 'localhost', process.env.E2E_HOST_IP].filter(Boolean).join(',');

/** Runs kubectl; never throws for a non-zero exit (see kubectlOk). */
export function kubectl(args: readonly string[], opts: KubectlOptions = {}): Promise<KubectlResult> {
  const env = e2eEnv();
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(env.kubectl, [`--kubeconfig=${opts.kubeconfig ?? env.kubeconfig}`, ...args], {
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, NO_PROXY: NO_PROXY, no_proxy: NO_PROXY },
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, ms: Date.now() - started });
    });
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // kubectl may exit before reading all of stdin
      child.stdin.end(opts.input);
    }
  });
}

/** Runs kubectl and returns stdout; throws with kubectl's stderr on a non-zero exit. */
export async function kubectlOk(args: readonly string[], opts: KubectlOptions = {}): Promise<string> {
  const r = await kubectl(args, opts);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** `kubectl get ... -o json`, parsed. */
export async function getJson<T = Record<string, unknown>>(args: readonly string[]): Promise<T> {
  return JSON.parse(await kubectlOk(['get', ...args, '-o', 'json'])) as T;
}
