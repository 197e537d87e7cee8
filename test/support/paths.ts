import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';

/** The repository root, from dist/test/support/ (compiled) back up three levels. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const MAIN_JS = join(REPO_ROOT, 'dist', 'src', 'main.js');

export function repoPath(...parts: string[]): string {
  return join(REPO_ROOT, ...parts);
}

/** A fresh copy of examples/admission-review.json, safe to modify. */
export function exampleReview(): Record<string, unknown> {
  return JSON.parse(readFileSync(repoPath('examples', 'admission-review.json'), 'utf8')) as Record<string, unknown>;
}
