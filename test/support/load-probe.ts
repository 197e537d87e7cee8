// Preloaded into a CLI process (`node --import <this> main.js ...`) by the startup spec and bench: on
// exit it writes to $NCG_PROBE_OUT what the process loaded (npm packages, and the project's own
// modules as repo-relative paths) and the CPU time it used, for the parent to read. Reports only.
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface ProbeReport {
  /** npm packages by name, in load order. */
  packages: string[];
  /** The project's modules, e.g. dist/src/cli/truststore.js. */
  project: string[];
  /** User + system CPU of the whole process, from its start, in microseconds. */
  cpuMicros: number;
}

const out = process.env.NCG_PROBE_OUT;
const root = fileURLToPath(new URL('../../../', import.meta.url));
const packages = new Set<string>();
const project = new Set<string>();

registerHooks({
  load(url, context, nextLoad) {
    const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
    if (pkg) packages.add(pkg);
    else if (url.startsWith('file:')) project.add(fileURLToPath(url).slice(root.length));
    return nextLoad(url, context);
  },
});

process.on('exit', () => {
  if (!out) return;
  const { user, system } = process.cpuUsage();
  const report: ProbeReport = { packages: [...packages], project: [...project], cpuMicros: user + system };
  writeFileSync(out, JSON.stringify(report));
});
