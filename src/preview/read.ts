import { parseAllDocuments } from 'yaml';
import { isJson, type Json } from '../mutation/pod.js';

/** Parses a YAML or JSON stream (multi-document, Helm output) into objects; names the bad document. */
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
    if (!isJson(value)) throw new Error(`${where}: must be a Kubernetes object, not ${Array.isArray(value) ? 'a list' : typeof value}`);
    if (typeof value.kind !== 'string' || value.kind === '') throw new Error(`${where}: has no kind`);
    objects.push(value);
  });
  return objects;
}
