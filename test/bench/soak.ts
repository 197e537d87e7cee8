// `make soak`: `serve` as a real process under a steady load (SOAK_RATE, default 200 req/s) for
// SOAK_SECONDS (default 600), with the policy file rewritten and the serving certificate rotated every
// minute (`certs --out`, the CLI's own renewal, which keeps the CA). RSS and open file descriptors are
// sampled from /proc every 10 s and printed as a table. Verdict: 0 failed requests, every rotation and
// every policy rewrite served. Exit code 1 otherwise. Not part of `make test`: it takes ten minutes.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import tls from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import type { Json } from '../../src/json.js';
import { generateReview } from '../fuzz/generate.js';
import { fuzzPolicies } from '../fuzz/policies.js';
import { Rng } from '../fuzz/prng.js';
import { runCli, spawnCli } from '../support/cli.js';
import { IMAGE_NODE_OPTIONS } from './image-options.js';

const SECONDS = positive('SOAK_SECONDS', 600);
const RATE = positive('SOAK_RATE', 200);
const SAMPLE_MS = 10_000;
const MINUTE_MS = 60_000;
/** A share of requests opens a fresh TLS connection, so rotated certificates are really handshaken. */
const FRESH_SHARE = 0.05;
/** Requests beyond this many in flight are counted as failed: the webhook is not keeping up. */
const MAX_IN_FLIGHT = 256;
/** The API server's own limit for a webhook call (timeoutSeconds is at most 30). */
const REQUEST_TIMEOUT_MS = 10_000;

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`${name} must be a positive integer, got ${raw}`);
    process.exit(2);
  }
  return n;
}

const policyText = (n: number, mode: 'required' | 'preferred'): string =>
  `apiVersion: nifi-ca-guard.io/v1alpha1\nkind: NiFiTrustPolicy\nmetadata:\n  name: soak-${n}\nspec:\n  placement:\n    mode: ${mode}\n`;

/** Replaces a file the way an editor or a ConfigMap volume does: a complete new file renamed into place. */
function replaceFile(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

/** A new serving certificate from the same CA, written by the CLI itself (as an operator would renew). */
async function renewCertificate(dir: string): Promise<void> {
  const r = await runCli(['certs', '--out', dir, '--days', '2']);
  if (r.code !== 0) throw new Error(`nifi-ca-guard certs exited ${r.code}: ${r.stderr.trim()}`);
}

function procStatus(pid: number): { rssMiB: number; fds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
  return { rssMiB: kb / 1024, fds: readdirSync(`/proc/${pid}/fd`).length };
}

/** The serial a fresh handshake is served. */
/** The V8 heap in use, from serve's own /metrics (prom-client's default metrics): tells heap growth from native. */
function heapUsedMiB(port: number, ca: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = https.get({ host: '127.0.0.1', port, path: '/metrics', ca, servername: 'localhost', agent: false, timeout: 5_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => {
        const v = Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(text)?.[1]);
        resolve(Number.isFinite(v) ? v / 1024 / 1024 : undefined);
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

function servedSerial(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      const serial = socket.getPeerCertificate().serialNumber;
      socket.end();
      resolve(serial);
    });
    socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy(new Error('handshake timed out')));
    socket.on('error', reject);
  });
}

/** Valid Pod CREATE reviews of every kind the fuzz makes (no deliberately bad envelopes: each must get 200). */
function reviewPool(size: number): Json[] {
  const policies = fuzzPolicies();
  const pool: Json[] = [];
  for (let i = 0; pool.length < size; i++) {
    const g = generateReview(new Rng(20260601, i), i, policies);
    if (g.expect === 'review') pool.push(g.review);
  }
  return pool;
}

interface Window {
  sent: number;
  ok: number;
  failed: number;
  latencies: number[];
}

const newWindow = (): Window => ({ sent: 0, ok: 0, failed: 0, latencies: [] });

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nifi-ca-guard-soak-'));
  const policyFile = join(dir, 'policy.yaml');
  const tlsDir = join(dir, 'tls');
  await renewCertificate(tlsDir);
  const ca = readFileSync(join(tlsDir, 'ca.crt'), 'utf8');
  let policyN = 1;
  let mode: 'required' | 'preferred' = 'required';
  replaceFile(policyFile, policyText(policyN, mode));

  const server = spawnCli(
    ['serve', '--host', '127.0.0.1', '--port', '0', '--tls-cert', join(tlsDir, 'tls.crt'), '--tls-key', join(tlsDir, 'tls.key'),
      '--policy', policyFile, '--reload-interval-ms', '1000', '--shutdown-delay-ms', '0'],
    { env: { NODE_OPTIONS: IMAGE_NODE_OPTIONS } }, // as the image runs it
  );
  const serverLog = { errors: 0, tlsReloads: 0, policyReloads: 0, rejected: 0, skipped: 0, admissions: 0 };
  // serve logs JSON lines to stderr; stdout stays free for command output.
  server.stdout!.resume();
  let tail = '';
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: server.stderr! });
    lines.on('line', (line) => {
      let rec: { level?: number; msg?: string; port?: number };
      try {
        rec = JSON.parse(line);
      } catch {
        tail = line;
        return;
      }
      if (rec.msg === 'listening' && typeof rec.port === 'number') resolve(rec.port);
      if ((rec.level ?? 0) >= 50) serverLog.errors++;
      if (rec.msg === 'tls certificate reloaded') serverLog.tlsReloads++;
      if (rec.msg === 'tls reload skipped; keeping the current certificate') serverLog.skipped++;
      if (rec.msg === 'policy reloaded') serverLog.policyReloads++;
      if (rec.msg === 'policy rejected; keeping the last good policy') serverLog.rejected++;
      if (rec.msg === 'admission') serverLog.admissions++;
    });
    server.once('exit', (code) => reject(new Error(`serve exited (${code}) before listening: ${tail}`)));
  });
  const pid = server.pid!;
  console.log(`soak: serve pid ${pid} on 127.0.0.1:${port}, ${RATE} req/s for ${SECONDS} s; policy rewritten and certificate rotated every minute (${dir})`);

  const agent = new https.Agent({ keepAlive: true, maxSockets: 64, ca });
  const pool = reviewPool(500);
  const total = newWindow();
  let window = newWindow();
  let inFlight = 0;
  let seq = 0;
  const failures = new Map<string, number>();
  // Which placement mode the answers show, to time a policy rewrite from file to response.
  let seenMode: string | undefined;
  let modeWrittenAt = 0;
  const policyLags: number[] = [];

  const fail = (why: string): void => {
    window.failed++;
    total.failed++;
    failures.set(why, (failures.get(why) ?? 0) + 1);
  };

  const send = (): void => {
    window.sent++;
    total.sent++;
    if (inFlight >= MAX_IN_FLIGHT) return fail(`more than ${MAX_IN_FLIGHT} requests in flight`);
    const review = pool[seq % pool.length]!;
    const uid = `soak-${seq++}`;
    const body = JSON.stringify({ ...review, request: { ...(review.request as Json), uid } });
    const fresh = Math.random() < FRESH_SHARE;
    const t0 = performance.now();
    inFlight++;
    // One outcome per request: a socket error may follow an answer, or come from both ends.
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      inFlight--;
      return true;
    };
    const req = https.request(
      {
        host: '127.0.0.1', port, method: 'POST', path: '/mutate', servername: 'localhost', ca,
        agent: fresh ? false : agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (!settle()) return;
          const ms = performance.now() - t0;
          if (res.statusCode !== 200) return fail(`HTTP ${res.statusCode}`);
          let out: { response?: { uid?: string; auditAnnotations?: Record<string, string> } };
          try {
            out = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            return fail('answer is not JSON');
          }
          if (out.response?.uid !== uid) return fail('answer for another uid');
          window.ok++;
          total.ok++;
          window.latencies.push(ms);
          const m = /anti-affinity=(required|preferred)/.exec(out.response.auditAnnotations?.features ?? '')?.[1];
          if (m && m === mode && seenMode !== mode) {
            seenMode = mode;
            if (modeWrittenAt > 0) policyLags.push((Date.now() - modeWrittenAt) / 1000);
          }
        });
        res.on('error', (err) => settle() && fail(`response: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => {
      if (!settle()) return;
      // Where it broke: a kept-alive socket the server had closed, or a fresh connection.
      const socket = fresh ? 'fresh connection' : req.reusedSocket ? 'reused keep-alive socket' : 'new pooled socket';
      fail(`${(err as NodeJS.ErrnoException).code ?? err.message} on a ${socket}`);
    });
    req.end(body);
  };

  // Steady pacing: every 10 ms, send what the schedule says is due by now.
  const start = Date.now();
  let due = 0;
  const pacer = setInterval(() => {
    const target = Math.floor(((Date.now() - start) / 1000) * RATE);
    for (; due < target; due++) send();
  }, 10);

  const rotations: { at: number; serial?: string; lag?: number }[] = [];
  const serials = new Set<string>([await servedSerial(port, ca)]);
  const rotate = async (): Promise<void> => {
    const at = (Date.now() - start) / 1000;
    await renewCertificate(tlsDir);
    const entry: { at: number; serial?: string; lag?: number } = { at };
    rotations.push(entry);
    // Fresh handshakes until the new certificate is served.
    for (let i = 0; i < 30; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const serial = await servedSerial(port, ca).catch(() => undefined);
      if (serial && !serials.has(serial)) {
        serials.add(serial);
        entry.serial = serial;
        entry.lag = (Date.now() - start) / 1000 - at;
        return;
      }
    }
  };
  const rewritePolicy = (): void => {
    mode = mode === 'required' ? 'preferred' : 'required';
    replaceFile(policyFile, policyText(++policyN, mode));
    modeWrittenAt = Date.now();
  };
  // Offsets inside each minute, so a two-minute run still sees two of each.
  const timers: NodeJS.Timeout[] = [];
  for (let t = 30_000; t < SECONDS * 1000; t += MINUTE_MS) timers.push(setTimeout(() => void rotate(), t));
  for (let t = 45_000; t < SECONDS * 1000; t += MINUTE_MS) timers.push(setTimeout(rewritePolicy, t));

  const rows: string[] = [];
  const header = '    t s |  sent |    ok | failed | req/s | p50 ms | p99 ms | RSS MiB | heap MiB | fds';
  console.log(header);
  const samples: { rssMiB: number; fds: number }[] = [];
  const heaps: number[] = [];
  const sample = async (): Promise<void> => {
    const t = (Date.now() - start) / 1000;
    const s = procStatus(pid);
    const heap = await heapUsedMiB(port, ca);
    if (heap !== undefined) heaps.push(heap);
    samples.push(s);
    const lat = window.latencies.sort((a, b) => a - b);
    const q = (p: number): string => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!.toFixed(1) : '-');
    const row = `${t.toFixed(0).padStart(7)} | ${String(window.sent).padStart(5)} | ${String(window.ok).padStart(5)} | ${String(window.failed).padStart(6)} | ${(window.ok / (SAMPLE_MS / 1000)).toFixed(0).padStart(5)} | ${q(0.5).padStart(6)} | ${q(0.99).padStart(6)} | ${s.rssMiB.toFixed(1).padStart(7)} | ${(heap === undefined ? '-' : heap.toFixed(1)).padStart(8)} | ${String(s.fds).padStart(3)}`;
    rows.push(row);
    console.log(row);
    window = newWindow();
  };
  samples.push(procStatus(pid));
  const sampler = setInterval(() => void sample(), SAMPLE_MS);

  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  clearInterval(pacer);
  clearInterval(sampler);
  for (const t of timers) clearTimeout(t);
  // Let in-flight requests finish before the last sample.
  for (let i = 0; i < 100 && inFlight > 0; i++) await new Promise((r) => setTimeout(r, 100));
  await sample();
  agent.destroy();
  const exit = await stop(server);
  rmSync(dir, { recursive: true, force: true });

  const rss = samples.map((s) => s.rssMiB);
  const fds = samples.map((s) => s.fds);
  const served = rotations.filter((r) => r.serial !== undefined);
  console.log(
    [
      `soak: ${total.sent} requests in ${SECONDS} s, ${total.ok} answered 200, ${total.failed} failed${failures.size ? ` (${[...failures].map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}`,
      `RSS MiB first ${rss[0]!.toFixed(1)}, max ${Math.max(...rss).toFixed(1)}, last ${rss[rss.length - 1]!.toFixed(1)}; heap used MiB first ${heaps[0]?.toFixed(1) ?? '-'}, max ${heaps.length ? Math.max(...heaps).toFixed(1) : '-'}, last ${heaps[heaps.length - 1]?.toFixed(1) ?? '-'}; fds first ${fds[0]}, max ${Math.max(...fds)}, last ${fds[fds.length - 1]}`,
      `certificate rotations ${rotations.length}, served ${served.length} (lag s: ${served.map((r) => r.lag!.toFixed(1)).join(', ') || '-'}); server logged ${serverLog.tlsReloads} reloads, ${serverLog.skipped} skipped reads`,
      `policy rewrites ${policyN - 1}, server reloaded ${serverLog.policyReloads}, rejected ${serverLog.rejected}, answers followed after (s): ${policyLags.map((l) => l.toFixed(1)).join(', ') || '-'}`,
      `server: ${serverLog.admissions} admission log lines, ${serverLog.errors} error lines, exit code ${exit}`,
    ].join('\n'),
  );
  const problems = [
    total.failed > 0 && `${total.failed} failed requests`,
    served.length !== rotations.length && `${rotations.length - served.length} rotated certificates never served`,
    serverLog.policyReloads !== policyN - 1 && `${policyN - 1 - serverLog.policyReloads} policy rewrites never loaded`,
    policyLags.length !== policyN - 1 && 'answers did not follow every policy rewrite',
    serverLog.errors > 0 && `${serverLog.errors} error lines in the server log`,
    exit !== 0 && `serve exited with ${exit}`,
  ].filter(Boolean);
  console.log(problems.length === 0 ? 'soak: PASS (0 failed requests)' : `soak: FAIL: ${problems.join('; ')}`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}

/** SIGTERM (drain), as the kubelet stops it; its exit code. */
function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

main().catch((err: unknown) => {
  console.error(`soak: ${(err as Error).message}`);
  process.exitCode = 1;
});
