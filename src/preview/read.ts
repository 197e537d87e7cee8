import { parseAllDocuments } from 'yaml';
import { isJson, type Json } from '../mutation/pod.js';
import { templateProblem } from './templates.js';

/**
 * Parses a YAML or JSON stream (multi-document, Helm output) into objects, Lists expanded; every
 * object is checked for the shape preview reads (kind, metadata, pod template), so bad input fails
 * with one line naming the document and the field, never deeper with a TypeError.
 */
export function parseObjects(text: string, source: string): Json[] {
  const docs = parseAllDocuments(text, { uniqueKeys: false });
  const objects: Json[] = [];
  docs.forEach((doc, i) => {
    const where = docs.length > 1 ? `${source}: document ${i + 1}` : source;
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      const pos = e.linePos?.[0];
      throw new Error(`${where}${pos ? ` (line ${pos.line})` : ''}: not valid YAML or JSON: ${e.message.split('\n')[0]!.replace(/:\s*$/, '')}`);
    }
    if (doc.contents === null) return; // empty documents and comment-only ones, as Helm emits
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) return;
    objects.push(...expand(value, where, ''));
  });
  return objects;
}

/** Lists expanded (already-parsed objects, e.g. read by a test), each checked as parseObjects does. */
export function expandLists(objects: readonly Json[], source: string): Json[] {
  return objects.flatMap((o, i) => expand(o, objects.length > 1 ? `${source}: object ${i + 1}` : source, ''));
}

/**
 * v1 List and the typed lists (PodList, ...): kubectl sends each item on its own. A List without
 * items is an empty list, as the API server reads one; items of another type is an error.
 */
function isList(o: Json): boolean {
  return typeof o.kind === 'string' && o.kind.endsWith('List');
}

function expand(value: unknown, where: string, path: string): Json[] {
  const at = path === '' ? where : `${where}: ${path}`;
  if (!isJson(value)) throw new Error(`${at}: must be a Kubernetes object, not ${describe(value)}`);
  if (typeof value.kind !== 'string' || value.kind === '') throw new Error(`${at}: has no kind`);
  if (value.metadata !== undefined && value.metadata !== null && !isJson(value.metadata)) {
    throw new Error(`${at}: metadata: must be an object, not ${describe(value.metadata)}`);
  }
  if (isList(value)) {
    const items = value.items;
    if (items === undefined || items === null) return [];
    if (!Array.isArray(items)) throw new Error(`${at}: items: must be a list of objects, not ${describe(items)}`);
    return items.flatMap((item, n) => expand(item, where, `${path === '' ? '' : `${path}.`}items[${n}]`));
  }
  const problem = templateProblem(value);
  if (problem) throw new Error(`${at}: ${problem}`);
  return [value];
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v).slice(0, 40)}`;
}
