// `make bench`: how long the CLI commands that start often take to start and finish. `truststore` runs
// in the init container on every NiFi pod start, `preview` in CI loops, `serve` on every webhook pod
// start. Median wall time (spawn to exit; serve: to its listening line) and CPU time (user + system of
// the process, which a loaded machine skews less) over STARTUP_RUNS runs (default 10), one at a time.
// Printed, never asserted; what each command may load is asserted in test/cli/startup.test.ts.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { runCli, startServe } from '../support/cli.js';
import { makeCa } from '../support/certs.js';
import { repoPath } from '../support/paths.js';

const RUNS = Number(process.env.STARTUP_RUNS ?? 10);
const PROBE = fileURLToPath(new URL('./cpu-probe.js', import.meta.url));

interface Sample {
  wallMs: number;
  cpuMs: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function cpuMs(file: string): Promise<number> {
  return Number(await readFile(file, 'utf8')) / 1000;
}

/** One CLI run to completion; throws when it fails, so a broken command never reads as fast. */
async function cliRun(dir: string, args: string[]): Promise<Sample> {
  const cpuFile = join(dir, 'cpu');
  const t0 = performance.now();
  const r = await runCli(args, { nodeArgs: ['--import', PROBE], env: { NCG_CPU_OUT: cpuFile } });
  const wallMs = performance.now() - t0;
  if (r.code !== 0) throw new Error(`${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return { wallMs, cpuMs: await cpuMs(cpuFile) };
}

/** Node itself starting and exiting, the floor under every figure. */
async function nodeFloor(dir: string): Promise<Sample> {
  const cpuFile = join(dir, 'cpu');
  const t0 = performance.now();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', PROBE, '-e', '0'], { env: { ...process.env, NCG_CPU_OUT: cpuFile }, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`node -e 0 exited ${code}`);
  return { wallMs: performance.now() - t0, cpuMs: await cpuMs(cpuFile) };
}

/** serve until its listening line (wall), then SIGINT; CPU is to its exit, shutdown included. */
async function serveRun(dir: string): Promise<Sample> {
  const cpuFile = join(dir, 'cpu');
  const tls = ['--tls-cert', join(dir, 'tls.crt'), '--tls-key', join(dir, 'tls.key')];
  const t0 = performance.now();
  const proc = await startServe(['--host', '127.0.0.1', '--port', '0', '--shutdown-delay-ms', '0', ...tls], { NCG_CPU_OUT: cpuFile }, ['--import', PROBE]);
  const wallMs = performance.now() - t0;
  proc.child.kill('SIGINT');
  const r = await proc.exited;
  if (r.code !== 0) throw new Error(`serve exited ${r.code}: ${r.stderr.trim()}`);
  return { wallMs, cpuMs: await cpuMs(cpuFile) };
}

async function measure(name: string, run: () => Promise<Sample>, note = ''): Promise<void> {
  await run(); // warm the page cache: the first run reads every file from disk
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await run());
  const wall = median(samples.map((s) => s.wallMs)) / 1000;
  const cpu = median(samples.map((s) => s.cpuMs)) / 1000;
  console.log(`startup ${name.padEnd(36)} wall ${wall.toFixed(3)} s  cpu ${cpu.toFixed(3)} s${note}`);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ncg-bench-startup-'));
  try {
    const now = new Date();
    await writeFile(join(dir, 'bundle.pem'), makeCa({ subject: 'CN=bench-1', now }).pem + makeCa({ subject: 'CN=bench-2', now, key: 'rsa' }).pem);
    await writeFile(join(dir, 'pw'), 'changeit\n');
    const certs = await runCli(['certs', '--out', dir, '--days', '1']);
    if (certs.code !== 0) throw new Error(`certs: ${certs.stderr.trim()}`);
    const truststore = (type: string, out: string) => ['truststore', '--bundle', join(dir, 'bundle.pem'), '--out', join(dir, out), '--type', type, '--password-file', join(dir, 'pw')];

    console.log(`startup: median of ${RUNS} runs (STARTUP_RUNS), one at a time; cpu = user + system of the process`);
    await measure('node -e 0 (the floor)', () => nodeFloor(dir));
    await measure('truststore pkcs12 (2 CAs)', () => cliRun(dir, truststore('pkcs12', 'ts.p12')));
    await measure('truststore jks (2 CAs)', () => cliRun(dir, truststore('jks', 'ts.jks')));
    await measure('preview (examples/apache-nifi-image)', () => cliRun(dir, ['preview', '-f', repoPath('examples', 'apache-nifi-image', 'release.yaml')]));
    await measure('--version (every command loaded)', () => cliRun(dir, ['--version']));
    await measure('serve (to listening)', () => serveRun(dir), '  (cpu: to exit after SIGINT)');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
