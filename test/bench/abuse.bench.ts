// `make bench-abuse`: what abuse costs `serve` (the real CLI, spawned with its defaults). Printed,
// never asserted: the figures size the Deployment's memory limit (docs/install.md says how).
//   - RSS with 3,000 idle TLS connections attempted (three bursts: is the memory given back?)
//   - how long a TCP connection that never sends a TLS hello is held
//   - the largest reviews: handling time and peak RSS (VmHWM), each in a fresh process
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import { POD_LIMITS } from '../../src/admission/bounds.js';
import { BODY_LIMIT_BYTES } from '../../src/http/body.js';
import { startServe, type ServeProcess } from '../support/cli.js';
import { exampleReview } from '../support/paths.js';
import { sharedPki } from '../support/pki.js';

const pki = sharedPki();
const dir = mkdtempSync(join(tmpdir(), 'bench-abuse-'));
writeFileSync(join(dir, 'tls.crt'), pki.cert);
writeFileSync(join(dir, 'tls.key'), pki.key);
const IDLE = Number(process.env.BENCH_IDLE_CONNECTIONS ?? 3000);

const mib = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`;

/** VmRSS and VmHWM (peak) of a process, in KiB. */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

async function serve(): Promise<ServeProcess> {
  // BENCH_MAX_CONNECTIONS: what memory the same burst costs with another cap.
  const env = process.env.BENCH_MAX_CONNECTIONS ? { NIFI_CA_GUARD_MAX_CONNECTIONS: process.env.BENCH_MAX_CONNECTIONS } : {};
  return startServe(['--host', '127.0.0.1', '--port', '0', '--shutdown-delay-ms', '0', '--tls-cert', join(dir, 'tls.crt'), '--tls-key', join(dir, 'tls.key')], env);
}

async function stop(p: ServeProcess): Promise<void> {
  p.child.kill('SIGINT');
  await p.exited;
}

function post(port: number, body: string): Promise<{ status: number; ms: number; text: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = https.request({ host: '127.0.0.1', port, method: 'POST', path: '/mutate', ca: pki.caCert, servername: 'localhost', agent: false, headers: { 'Content-Type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Opens `n` TLS connections (100 at a time) and holds them; returns the held ones and how many were refused. */
async function openIdle(port: number, n: number): Promise<{ held: tls.TLSSocket[]; refused: number }> {
  const held: tls.TLSSocket[] = [];
  let refused = 0;
  for (let i = 0; i < n; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, n - i) }, () =>
        new Promise<void>((resolve) => {
          const s = tls.connect({ port, host: '127.0.0.1', ca: pki.caCert, servername: 'localhost' }, () => {
            held.push(s);
            resolve();
          });
          s.on('error', () => {
            refused++;
            resolve();
          });
        }),
      ),
    );
  }
  return { held, refused };
}

async function idleConnections(): Promise<void> {
  const p = await serve();
  for (let i = 0; i < 5; i++) await post(p.port, JSON.stringify(exampleReview())); // warm
  const start = memory(p.child.pid!);
  console.log(`idle TLS connections: serve at rest ${mib(start.rss)}`);
  for (let burst = 1; burst <= 3; burst++) {
    const { held, refused } = await openIdle(p.port, IDLE);
    await sleep(500);
    const during = memory(p.child.pid!);
    for (const s of held) s.destroy();
    await sleep(3000);
    const after = memory(p.child.pid!);
    console.log(`  burst ${burst}: ${IDLE} attempted, ${held.length} held, ${refused} dropped (--max-connections): RSS ${mib(during.rss)} while held, ${mib(after.rss)} 3 s after, peak ${mib(during.peak)}`);
  }
  await stop(p);
}

async function handshakeless(): Promise<void> {
  const p = await serve();
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const s = net.connect(p.port, '127.0.0.1');
    s.on('error', () => {});
    s.on('close', () => resolve());
  });
  console.log(`TCP connection that never sends a TLS hello: closed by serve after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await stop(p);
}

type Pod = { metadata: { labels: Record<string, string> }; spec: { containers: unknown[] } };

function review(edit: (pod: Pod) => void): string {
  const r = exampleReview();
  edit((r.request as { object: Pod }).object);
  return JSON.stringify(r);
}

async function largest(): Promise<void> {
  const fatContainer = (exampleReview().request as { object: Pod }).object.spec.containers[0] as Record<string, unknown>;
  const cases: Array<{ name: string; body: string }> = [
    {
      name: `labels up to the ${BODY_LIMIT_BYTES / 1048576} MiB body limit (too large: allowed untouched)`,
      body: review((pod) => {
        for (let i = 0; JSON.stringify(pod).length < BODY_LIMIT_BYTES - 64 * 1024; i += 1000) for (let j = i; j < i + 1000; j++) pod.metadata.labels[`label-${j}`] = `value-${j}`;
      }),
    },
    {
      name: `NiFi pod with ${POD_LIMITS.values - 1000} labels (mutated)`,
      body: review((pod) => {
        for (let i = 0; i < POD_LIMITS.values - 1000; i++) pod.metadata.labels[`l${i}`] = `v${i}`;
      }),
    },
    {
      name: `NiFi pod with ${POD_LIMITS.containers} NiFi containers of the example's size (mutated)`,
      body: review((pod) => (pod.spec.containers = Array.from({ length: POD_LIMITS.containers }, (_, i) => ({ ...structuredClone(fatContainer), name: `nifi-${i}` })))),
    },
    {
      name: '30,000 minimal containers (too large: allowed untouched)',
      body: review((pod) => (pod.spec.containers = Array.from({ length: 30_000 }, (_, i) => ({ name: `c${i}`, image: 'apache/nifi:1.28.1' })))),
    },
  ];
  for (const c of cases) {
    const p = await serve();
    await post(p.port, JSON.stringify(exampleReview())); // warm
    const before = memory(p.child.pid!);
    const res = await post(p.port, c.body);
    const after = memory(p.child.pid!);
    const response = (JSON.parse(res.text) as { response?: { patch?: string; warnings?: string[] } }).response;
    const what = res.status !== 200 ? `status ${res.status}` : response?.patch ? 'patched' : `allowed, ${response?.warnings?.[0] ?? 'no warning'}`;
    console.log(`  ${c.name}: ${(Buffer.byteLength(c.body) / 1048576).toFixed(2)} MiB body, answered in ${res.ms.toFixed(0)} ms (${what}); RSS ${mib(before.rss)} before, peak ${mib(after.peak)}`);
    await stop(p);
  }
}

console.log(`serve ${process.version}, defaults (see src/http/server.ts SERVER_LIMITS, src/admission/bounds.ts POD_LIMITS)`);
await idleConnections();
await handshakeless();
console.log('largest reviews, one fresh serve each:');
await largest();
