// Tests run the built CLI through one helper, test/support/cli.ts, so its result shape, environment
// and timeout are the same everywhere: nothing else names the built entry point.
import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoPath } from '../support/paths.js';

const TEST = repoPath('test');
/** Where the built CLI's path may appear: where it is defined, the helper that spawns it (and this check's samples). */
const ALLOWED = new Set(['support/paths.ts', 'support/cli.ts', 'unit/cli-helper.test.ts']);
/** MAIN_JS, or a path joined to the build's entry point ('dist/src/main.js', 'dist', 'src', 'main.js'). */
const NAMES_MAIN = /\bMAIN_JS\b|[(,]\s*'dist\/src\/main\.js'|'dist',\s*'src',\s*'main\.js'/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('test helpers: one way to run the CLI', () => {
  it('only test/support/cli.ts names the built CLI', () => {
    const bad = sources(TEST)
      .map((f) => relative(TEST, f))
      .filter((f) => !ALLOWED.has(f) && NAMES_MAIN.test(readFileSync(join(TEST, f), 'utf8')));
    expect(bad).to.deep.equal([]);
  });

  it('recognises the ways the built CLI was named before', () => {
    expect(["import { MAIN_JS } from './paths.js';", "const MAIN = path.join(REPO_ROOT, 'dist/src/main.js');", "join(REPO_ROOT, 'dist', 'src', 'main.js')"].map((t) => NAMES_MAIN.test(t))).to.deep.equal([true, true, true]);
    expect(NAMES_MAIN.test("files.get('app/dist/src/main.js')")).to.equal(false);
  });
});
