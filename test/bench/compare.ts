// `make bench`, the same-run comparison: the bare node:https ceiling (bare-server.ts), express alone
// with a fixed reply (express-server.ts: the ceiling while keeping express) and `serve`, one after the
// other on this machine, BENCH_ROUNDS times (default 2), with the benchmark review (review.ts):
//   throughput and p99 at saturation   wrk -t1 -c10 for BENCH_SECONDS (default 10) after a 3 s warm-up;
//   p99 at a steady 200 req/s           hey -z BENCH_SECONDS -c 10 -q 20;
//   RSS after BENCH_RSS_SECONDS (default 60) at saturation (wrk again), read from /proc.
// Prints each round, the medians and serve's ratios to bare. Numbers are printed, never asserted.
// wrk and hey are Debian packages: hack/install-bench-tools.sh installs them when missing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, spawnCli } from '../support/cli.js';
import { IMAGE_NODE_OPTIONS } from './image-options.js';
import { benchReviewText } from './review.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RSS_SECONDS = Number(process.env.BENCH_RSS_SECONDS ?? 60);
const NODE = process.execPath;

interface Figures {
  rps: number;
  p99ms: number;
  steadyP99ms: number;
  rssMB: number;
  errors: number;
}

const dir = mkdtempSync(join(tmpdir(), 'ncg-bench-'));
const reviewFile = join(dir, 'review.json');
writeFileSync(reviewFile, benchReviewText());
const lua = join(dir, 'post.lua');
writeFileSync(lua, `local f=io.open("${reviewFile}","rb"); wrk.body=f:read("*a"); f:close(); wrk.method="POST"; wrk.headers["Content-Type"]="application/json"\n`);

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`${cmd}: ${r.error.message} (hack/install-bench-tools.sh installs wrk and hey)`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** wrk prints latencies as 850.00us, 1.25ms or 1.02s. */
function toMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text.trim());
  if (!m) throw new Error(`unreadable latency ${text}`);
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 's' ? n * 1000 : n;
}

function wrk(url: string, seconds: number): { rps: number; p99ms: number; errors: number } {
  const out = run('wrk', ['-t1', '-c10', `-d${seconds}s`, '--latency', '-s', lua, url]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const p99 = /^\s+99%\s+(\S+)/m.exec(out)?.[1];
  const errors = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0) + (/Socket errors: (.*)/.exec(out) ? 1 : 0);
  if (!Number.isFinite(rps) || !p99) throw new Error(`unreadable wrk output:\n${out}`);
  return { rps, p99ms: toMs(p99), errors };
}

function hey(url: string, seconds: number): number {
  const out = run('hey', ['-z', `${seconds}s`, '-c', '10', '-q', '20', '-m', 'POST', '-T', 'application/json', '-D', reviewFile, url]);
  const p99 = /99% in ([\d.]+) secs/.exec(out)?.[1];
  const ok = /\[200\]\s+(\d+) responses/.exec(out)?.[1];
  if (!p99 || !ok) throw new Error(`unreadable hey output:\n${out}`);
  return Number(p99) * 1000;
}

const rssMB = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

async function waitListening(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const r = spawnSync('curl', ['-sk', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'POST', '-H', 'Content-Type: application/json', '--data-binary', `@${reviewFile}`, url], { encoding: 'utf8' });
    if (r.stdout === '200') return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`${url} did not answer 200`);
}

async function measure(name: string, start: (port: number) => ChildProcess): Promise<Figures> {
  const port = await freePort();
  const child = start(port);
  const url = `https://127.0.0.1:${port}/mutate`;
  try {
    await waitListening(url);
    wrk(url, 3); // warm-up: JIT, TLS session state, heap sizing
    const sat = wrk(url, SECONDS);
    const steadyP99ms = hey(url, SECONDS);
    const long = wrk(url, RSS_SECONDS);
    const figures = { rps: sat.rps, p99ms: sat.p99ms, steadyP99ms, rssMB: rssMB(child.pid!), errors: sat.errors + long.errors };
    console.log(`${name.padEnd(7)} ${figures.rps.toFixed(0).padStart(7)} req/s  p99 ${figures.p99ms.toFixed(2).padStart(6)} ms  p99@200/s ${figures.steadyP99ms.toFixed(2).padStart(6)} ms  RSS after ${RSS_SECONDS} s at saturation ${figures.rssMB.toFixed(1)} MB  errors ${figures.errors}`);
    return figures;
  } finally {
    child.kill('SIGTERM');
    await new Promise((res) => child.once('exit', res));
  }
}

const certs = join(dir, 'certs');
const made = await runCli(['certs', '--out', certs]);
if (made.code !== 0) throw new Error(`certs: ${made.stderr}`);
const cert = join(certs, 'tls.crt');
const key = join(certs, 'tls.key');
const bareScript = fileURLToPath(new URL('./bare-server.js', import.meta.url));
const logFile = join(dir, 'serve.log');

const expressScript = fileURLToPath(new URL('./express-server.js', import.meta.url));
const bare = (port: number) => spawn(NODE, [bareScript, String(port), cert, key], { stdio: 'ignore' });
const expressOnly = (port: number) => spawn(NODE, [expressScript, String(port), cert, key], { stdio: 'ignore' });
// serve logs one line per admission: to a file, as a container runtime would take it (not a pipe no one reads).
const serve = (port: number) => {
  const log = openSync(logFile, 'a');
  const child = spawnCli(['serve', '--host', '127.0.0.1', '--port', String(port), '--tls-cert', cert, '--tls-key', key], { stdio: ['ignore', 'ignore', log], env: { NODE_OPTIONS: IMAGE_NODE_OPTIONS } });
  closeSync(log);
  return child;
};

console.log(`same-run comparison, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`);
console.log(`serve with NODE_OPTIONS=${IMAGE_NODE_OPTIONS || '(none)'} as the image sets it; its log to a file`);
console.log(`review ${Buffer.byteLength(benchReviewText())} bytes; wrk -t1 -c10 ${SECONDS} s; hey -c10 -q20 ${SECONDS} s; RSS after ${RSS_SECONDS} s at saturation; ${ROUNDS} rounds`);
const results: Record<'bare' | 'express' | 'serve', Figures[]> = { bare: [], express: [], serve: [] };
try {
  for (let r = 0; r < ROUNDS; r++) {
    results.bare.push(await measure('bare', bare));
    results.express.push(await measure('express', expressOnly));
    results.serve.push(await measure('serve', serve));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const med = (who: 'bare' | 'express' | 'serve', k: keyof Figures) => median(results[who].map((f) => f[k]));
console.log('\nmedians          bare   express     serve  express/bare  serve/bare   target (serve)');
const row = (label: string, k: keyof Figures, digits: number, target: string) =>
  console.log(
    `${label.padEnd(16)} ${med('bare', k).toFixed(digits).padStart(6)} ${med('express', k).toFixed(digits).padStart(9)} ${med('serve', k).toFixed(digits).padStart(9)}` +
      `  ${(med('express', k) / med('bare', k)).toFixed(3).padStart(11)}×  ${(med('serve', k) / med('bare', k)).toFixed(3).padStart(9)}×   ${target}`,
  );
row('req/s', 'rps', 0, '>= 0.15×');
row('p99 saturated ms', 'p99ms', 2, '');
row('p99 @200/s ms', 'steadyP99ms', 2, '<= 2×');
row('RSS MB', 'rssMB', 1, 'serve <= 100 MB');
