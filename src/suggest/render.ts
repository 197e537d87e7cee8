// A suggestion as YAML text: the yaml package's Document API, so each comment sits right above the
// field it explains. Long comment lines are wrapped to stay readable in a terminal.
import { Document, isMap, isScalar, isSeq, type Node } from 'yaml';
import type { Commented, Path, Suggestion } from './types.js';

const WIDTH = 100;

export function renderSuggestion(s: Suggestion): string {
  const doc = new Document(s.doc);
  doc.commentBefore = wrap(s.notes, 0);
  for (const [key, c] of grouped(s.comments)) {
    const path = JSON.parse(key) as Path;
    const target = nodeAbove(doc, path);
    if (!target) throw new Error(`internal error: no field ${path.join('.')} to comment on`);
    target.commentBefore = [target.commentBefore, wrap(c, 2 * depth(path))].filter(Boolean).join('\n');
  }
  return doc.toString({ lineWidth: 0 });
}

/** Comments on one path, in the order given. */
function grouped(comments: readonly Commented[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of comments) {
    const key = JSON.stringify(c.path);
    out.set(key, [...(out.get(key) ?? []), ...c.lines]);
  }
  return out;
}

/** The node a comment above `path` belongs to: a map entry's key, or a sequence item. */
function nodeAbove(doc: Document, path: Path): Node | undefined {
  if (path.length === 0) return undefined;
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
    return pair && isScalar(pair.key) ? pair.key : undefined;
  }
  if (isSeq(parent) && typeof last === 'number') return parent.items[last] as Node | undefined;
  return undefined;
}

/** How far a field is indented: sequence items share their parent key's column plus one step. */
function depth(path: Path): number {
  return path.length - 1;
}

/** Word-wraps each paragraph: list items ("- ", "1. ") continue under their text, indented lines stay whole. */
export function wrap(paragraphs: readonly string[], indent: number): string {
  const width = Math.max(40, WIDTH - indent - 2);
  const lines: string[] = [];
  for (const p of paragraphs) {
    const bullet = /^(\s*(?:- |\d+\. ))/.exec(p)?.[1] ?? '';
    if (bullet === '' && /^\s/.test(p)) {
      lines.push(p); // indented: a command to copy, kept on one line
      continue;
    }
    const hang = ' '.repeat(bullet.length);
    let line = '';
    for (const word of p.slice(bullet.length).split(/\s+/).filter(Boolean)) {
      if (line !== '' && line.length + 1 + word.length > width) {
        lines.push(line);
        line = hang + word;
      } else line = line === '' ? `${bullet}${word}` : `${line} ${word}`;
    }
    if (line !== '') lines.push(line);
  }
  return lines.map((l) => ` ${l}`).join('\n');
}
