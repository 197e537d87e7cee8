// Java for the tests: present (installed by hack/install-jdk.sh / `make test-java`) or the suite fails.
import { resolve } from 'node:path';
import { repoPath } from '../support/paths.js';
import { run, type Run } from '../support/run.js';

/** The .java sources (tsc does not touch them). */
export const JAVA_SRC = repoPath('test', 'java');

/** Throws (failing the suite, never skipping it) when java or keytool is missing. */
export async function requireJava(): Promise<void> {
  for (const tool of ['java', 'keytool']) {
    const r = await run(tool, tool === 'java' ? ['-version'] : ['-help']);
    if (r.code !== 0 && !/keytool/i.test(r.stdout + r.stderr)) {
      throw new Error(`${tool} is missing: run hack/install-jdk.sh (make test-java does) — Java tests never skip`);
    }
  }
}

export function java(source: string, args: string[]): Promise<Run> {
  return run('java', [resolve(JAVA_SRC, source), ...args], {}, undefined, 120_000);
}

export function keytool(args: string[]): Promise<Run> {
  return run('keytool', args, {}, undefined, 60_000);
}

/** Fingerprints `keytool -list -v` / `-printcert` print, in order. */
export function keytoolSha256(text: string): string[] {
  return [...text.matchAll(/SHA256: ([0-9A-F:]+)/g)].map((m) => m[1]!);
}
