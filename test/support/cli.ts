// The one way tests run the built CLI (dist/src/main.js) as a user would: to completion with runCli,
// as a server with startServe, or as a bare child with spawnCli (to signal it, or log to a file).
// Other tools (java, keytool, tar, helm) go through run() in run.ts.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { MAIN_JS } from './paths.js';

export interface CliResult {
  /** The exit status; null when a signal ended the process (the timeout's SIGKILL among them). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived, as a terminal shows them. */
  output: string;
}

export interface SpawnCliOptions {
  /** Added to this process's environment; a variable set to undefined is left out. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  stdio?: StdioOptions;
  /** Node options before main.js, e.g. ['--import', probe] (startup spec and bench). */
  nodeArgs?: readonly string[];
}

export interface RunCliOptions {
  /** Added to this process's environment. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written to the CLI's standard input (`-f -`); stdin is closed empty otherwise. */
  input?: string | Buffer;
  /** Then SIGKILL: a command that should have exited but serves on must not outlive the test run. */
  timeoutMs?: number;
  nodeArgs?: readonly string[];
}

/** Starts the built CLI; the caller owns the child. */
export function spawnCli(args: readonly string[], opts: SpawnCliOptions = {}): ChildProcess {
  return spawn(process.execPath, [...(opts.nodeArgs ?? []), MAIN_JS, ...args], { env: { ...process.env, ...opts.env }, cwd: opts.cwd, stdio: opts.stdio ?? ['ignore', 'pipe', 'pipe'] });
}

/** Runs the built CLI to completion. */
export function runCli(args: readonly string[], opts: RunCliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, { env: opts.env, cwd: opts.cwd, nodeArgs: opts.nodeArgs, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('exit', () => clearTimeout(timer));
    let stdout = '';
    let stderr = '';
    let output = '';
    // utf8 decoding per stream, so a character split across chunks stays whole.
    child.stdout!.setEncoding('utf8').on('data', (c: string) => ((stdout += c), (output += c)));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => ((stderr += c), (output += c)));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, output }));
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}

export interface ServeProcess {
  child: ChildProcess;
  port: number;
  /** Everything written to stderr so far (the JSON log). */
  stderr(): string;
  /** Resolves with the exit code/signal. */
  exited: Promise<CliResult>;
}

/** Starts `serve` and waits for its "listening" log line, which carries the port (use --port 0). */
export function startServe(args: string[], env: NodeJS.ProcessEnv = {}, nodeArgs: readonly string[] = []): Promise<ServeProcess> {
  const child = spawnCli(['serve', ...args], { env, nodeArgs });
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => ((stdout += c), (output += c)));
  const exited = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, output })));
  return new Promise((resolve, reject) => {
    child.stderr?.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
      output += c;
      for (const line of stderr.split('\n')) {
        if (!line.startsWith('{')) continue;
        const rec = JSON.parse(line) as { msg?: string; port?: number };
        if (rec.msg === 'listening' && typeof rec.port === 'number') {
          resolve({ child, port: rec.port, stderr: () => stderr, exited });
          return;
        }
      }
    });
    void exited.then((r) => reject(new Error(`serve exited before listening (code ${r.code}): ${r.stderr}`)));
  });
}
