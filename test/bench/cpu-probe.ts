// Preloaded into each process the startup bench spawns (`node --import <this> ...`): on exit, writes
// the process's user + system CPU in microseconds, from its start, to $NCG_CPU_OUT.
import { writeFileSync } from 'node:fs';

const out = process.env.NCG_CPU_OUT;
process.on('exit', () => {
  if (!out) return;
  const { user, system } = process.cpuUsage();
  writeFileSync(out, String(user + system));
});
