// `make bench`, in process: the handler's own time, from the parsed request body to the encoded response
// (admit() and JSON.stringify of the review, what the HTTP edge does between body-parser and the socket),
// for the benchmark review (review.ts), the same pod with 1,500 env vars in its one container, and an
// unrelated pod. Median of BENCH_HANDLER_BATCHES batches; CPU time of this process and wall time.
// Printed, never asserted.
import { performance } from 'node:perf_hooks';
import { admit } from '../../src/admission/review.js';
import type { Json } from '../../src/json.js';
import { builtinPolicy } from '../../src/policy/load.js';
import { singlePolicy } from '../../src/policy/policy-set.js';
import { benchReviewText } from './review.js';

const BATCHES = Number(process.env.BENCH_HANDLER_BATCHES ?? 15);
const policies = singlePolicy(builtinPolicy());
const text = benchReviewText();

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function bench(name: string, body: Json, perBatch: number, target: string): void {
  const once = () => JSON.stringify(admit(body, policies).review);
  for (let i = 0; i < perBatch; i++) once(); // warm-up
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < perBatch; i++) once();
    wall.push(((performance.now() - t0) * 1000) / perBatch);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / perBatch);
  }
  const unit = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);
  console.log(`handler ${name.padEnd(34)} ${unit(median(cpu)).padStart(9)} CPU  ${unit(median(wall)).padStart(9)} wall   target ${target}`);
}

const review = JSON.parse(text) as Json;
const request = review.request as Json;
const pod = request.object as Json;
const manyEnv = structuredClone(review);
((((manyEnv.request as Json).object as Json).spec as Json).containers as Json[])[0]!.env = Array.from({ length: 1500 }, (_, i) => ({ name: `VAR_${i}`, value: `value-${i}` }));
const unrelated = structuredClone(review);
(((unrelated.request as Json).object as Json).metadata as Json).labels = { app: 'web', tier: 'frontend' };

console.log(`in-process handler (parsed body -> encoded response), review ${text.length} bytes, pod ${JSON.stringify(pod).length} bytes, Node ${process.version}`);
bench('NiFi StatefulSet pod (8.5 KB review)', review, 2000, '<= 150 µs');
bench('the same with 1,500 env vars', manyEnv, 50, '<= 20 ms');
bench('unrelated pod', unrelated, 20000, '<= 5 µs');
