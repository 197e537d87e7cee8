import fjp from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';

/** Applies a patch strictly (RFC 6902 validation on every operation) to a copy of the document. */
export function applyStrict<T>(doc: T, patch: readonly Operation[]): T {
  const errors = fjp.validate([...patch], structuredClone(doc));
  if (errors) throw errors;
  return fjp.applyPatch(structuredClone(doc), [...patch], true, false).newDocument;
}
