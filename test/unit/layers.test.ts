// The layering DESIGN.md sets, checked on the sources: lower layers never import higher ones, and the
// pure core (admission, mutation, policy's types/defaults/validation/selectors) imports nothing that
// does I/O. Only runtime imports count: `import type` is erased by tsc.
import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { repoPath } from '../support/paths.js';

const SRC = repoPath('src');

/** What each layer may import besides itself: the leaves every layer shares, and the layers below it. */
const ALLOWED: Record<string, readonly string[]> = {
  policy: ['json.js', 'version.js'],
  mutation: ['json.js', 'version.js', 'policy'],
  admission: ['json.js', 'version.js', 'policy', 'mutation'],
  // NiFiTrustPolicy status: computed from policies and cluster facts; written by src/cluster.
  status: ['json.js', 'version.js', 'policy', 'mutation'],
  explain: ['json.js', 'version.js', 'policy', 'mutation', 'preview'],
};

/** The parts of src/policy that read files or the cluster: kept apart from the pure parts. */
const POLICY_SOURCES = new Set(['file-watch.ts', 'load.ts', 'cluster-source.ts']);

/** Modules that do I/O (or pull in a server or a cluster client). */
const IO = /^(node:)?(fs|fs\/promises|net|http|https|http2|tls|dgram|child_process|worker_threads)$|^express$|^@kubernetes\/client-node$|^pino$/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Runtime import and re-export specifiers of a TypeScript file (type-only ones left out). */
export function runtimeImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s+(type\s+)?(?:[\s\S]*?\s+from\s+)?'([^']+)'/g)) if (!m[1]) out.push(m[2]!);
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) out.push(m[1]!);
  return out;
}

/** The top-level part of src/ a relative specifier lands in: a directory name, or a file at src/. */
function target(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const rel = relative(SRC, normalize(join(dirname(file), spec)));
  return rel.split('/')[0];
}

describe('layers (DESIGN.md): lower layers never import higher ones; the pure core does no I/O', () => {
  for (const [layer, allowed] of Object.entries(ALLOWED)) {
    it(`src/${layer} imports only ${allowed.join(', ')} and itself`, () => {
      const bad = sources(join(SRC, layer)).flatMap((file) =>
        runtimeImports(readFileSync(file, 'utf8'))
          .filter((spec) => {
            const t = target(file, spec);
            return t !== undefined && t !== layer && !allowed.includes(t);
          })
          .map((spec) => `${relative(SRC, file)} imports ${spec}`),
      );
      expect(bad).to.deep.equal([]);
    });

    it(`src/${layer} does no I/O${layer === 'policy' ? ` (except its sources: ${[...POLICY_SOURCES].join(', ')})` : ''}`, () => {
      const bad = sources(join(SRC, layer))
        .filter((file) => !(layer === 'policy' && POLICY_SOURCES.has(relative(join(SRC, 'policy'), file))))
        .flatMap((file) => runtimeImports(readFileSync(file, 'utf8')).filter((spec) => IO.test(spec)).map((spec) => `${relative(SRC, file)} imports ${spec}`));
      expect(bad).to.deep.equal([]);
    });
  }

  it('reads runtime imports, multi-line ones and re-exports included, and leaves type-only ones out', () => {
    const text = [
      "import { a } from './a.js';",
      'import {',
      '  b,',
      '  type C,',
      "} from '../mutation/b.js';",
      "import type { D } from '../mutation/d.js';",
      "export { e } from '../mutation/e.js';",
      "export type { F } from '../mutation/f.js';",
      "import 'node:fs';",
      "const g = await import('../http/g.js');",
    ].join('\n');
    expect(runtimeImports(text)).to.deep.equal(['./a.js', '../mutation/b.js', '../mutation/e.js', 'node:fs', '../http/g.js']);
  });
});
