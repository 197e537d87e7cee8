// `make bench`: throughput and memory of the pure core and of the HTTPS endpoint on loopback.
// Numbers are printed, never asserted: speed is measured here, not in the test suite.
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';
import { patchProblem } from '../../src/admission/patch-guard.js';
import { mutatePod } from '../../src/mutation/mutate.js';
import type { Json } from '../../src/mutation/pod.js';
import { builtinPolicy } from '../../src/policy/load.js';
import { startTestServer } from '../support/https.js';
import { repoPath } from '../support/paths.js';

const fixture = (name: string): Json => parse(readFileSync(repoPath('test', 'golden', 'cases', name, 'input.yaml'), 'utf8')) as Json;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

function benchCore(name: string, pod: Json, iterations: number): void {
  const policy = builtinPolicy();
  for (let i = 0; i < 500; i++) mutatePod(pod, 'nifi', policy); // warm-up
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const start = performance.now();
  for (let i = 0; i < iterations; i++) mutatePod(pod, 'nifi', policy);
  const ms = performance.now() - start;
  const heapAfter = process.memoryUsage().heapUsed;
  console.log(`core  ${name.padEnd(32)} ${(iterations / (ms / 1000)).toFixed(0).padStart(8)} ops/s  ${((ms * 1000) / iterations).toFixed(1).padStart(6)} µs/op  heap ${mb(heapBefore)} -> ${mb(heapAfter)}`);
}

/** The runtime guard alone: the pod's patch checked by fast-json-patch's validate on copies. */
function benchGuard(name: string, pod: Json, iterations: number): void {
  const { patch } = mutatePod(pod, 'nifi', builtinPolicy());
  for (let i = 0; i < 500; i++) patchProblem(pod, patch);
  const start = performance.now();
  for (let i = 0; i < iterations; i++) patchProblem(pod, patch);
  const ms = performance.now() - start;
  console.log(`guard ${name.padEnd(32)} ${(iterations / (ms / 1000)).toFixed(0).padStart(8)} ops/s  ${((ms * 1000) / iterations).toFixed(1).padStart(6)} µs/op  (${patch.length} operations)`);
}

async function benchHttps(requests: number, concurrency: number): Promise<void> {
  const server = await startTestServer();
  const agent = new https.Agent({ keepAlive: true, maxSockets: concurrency, ca: server.ca });
  const body = JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { uid: 'bench', kind: { group: '', version: 'v1', kind: 'Pod' }, operation: 'CREATE', namespace: 'nifi', object: fixture('nifi-statefulset-pod') },
  });
  const post = () =>
    new Promise<number>((resolve, reject) => {
      const t0 = performance.now();
      const req = https.request({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/mutate', agent, servername: 'localhost', headers: { 'Content-Type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`status ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        next++;
        latencies.push(await post());
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(2);
  console.log(`https /mutate  ${requests} requests, ${concurrency} concurrent: ${(requests / seconds).toFixed(0)} req/s  p50 ${q(0.5)} ms  p99 ${q(0.99)} ms  rss ${mb(process.memoryUsage().rss)}`);
  agent.destroy();
  await server.close();
}

benchCore('nifi StatefulSet pod (mutated)', fixture('nifi-statefulset-pod'), 20_000);
benchCore('nifi-ca Deployment pod', fixture('nifi-ca-deployment-pod'), 20_000);
benchCore('unrelated pod (no patch)', fixture('unrelated-pod'), 50_000);
benchGuard('nifi StatefulSet pod patch', fixture('nifi-statefulset-pod'), 20_000);
benchGuard('nifi-ca Deployment pod patch', fixture('nifi-ca-deployment-pod'), 20_000);
await benchHttps(3000, 8);
