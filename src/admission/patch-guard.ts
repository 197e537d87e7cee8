import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';

/** Which operation of a patch failed and how; never the values or the document (they are the pod). */
export interface PatchProblem {
  /** fast-json-patch's error name, e.g. OPERATION_PATH_UNRESOLVABLE. */
  code: string;
  index: number;
  op: string;
}

/**
 * The last check before answering: the patch applied, with fast-json-patch's validation, to a copy of
 * request.object. An unappliable patch fails the pod's creation whatever the failurePolicy; caught
 * here, the webhook answers 500 instead and the failurePolicy decides.
 *
 * The copy is made along each operation's path only (copy on write), by hand: jsonpatch.validate deep
 * copies the whole pod and patch through JSON text, which was a fifth of an admission's CPU time. The
 * semantics stay fast-json-patch's own: each operation goes through its applyOperation with validation,
 * in order, exactly as its validate does. Neither the pod nor the patch we answer with is touched.
 */
export function patchProblem(object: Record<string, unknown>, patch: readonly Operation[]): PatchProblem | undefined {
  if (patch.length === 0) return undefined;
  const copies = new Set<object>();
  let doc: unknown = object;
  try {
    for (let i = 0; i < patch.length; i++) {
      const op = patch[i]!;
      doc = copyAlong(doc, op.path, copies);
      if ((op.op === 'move' || op.op === 'copy') && typeof op.from === 'string') doc = copyAlong(doc, op.from, copies);
      doc = jsonpatch.applyOperation(doc, op, true, true, true, i).newDocument;
    }
  } catch (thrown) {
    if (thrown instanceof jsonpatch.JsonPatchError) {
      // Its message embeds the operation and the whole document: only name and index are kept.
      const index = typeof thrown.index === 'number' ? thrown.index : -1;
      return { code: thrown.name, index, op: patch[index]?.op ?? 'unknown' };
    }
    // A path through __proto__ or constructor/prototype: fast-json-patch throws a TypeError instead.
    return { code: thrown instanceof Error ? thrown.name : 'Error', index: -1, op: 'unknown' };
  }
  return undefined;
}

/**
 * Copies (shallowly, once each) the root and every container on `path` down to the parent of its last
 * token, so an operation there changes only copies; values an earlier operation inserted are copied too
 * before a later one changes them. Stops where the path does not resolve: applyOperation reports that.
 */
function copyAlong(root: unknown, path: unknown, copies: Set<object>): unknown {
  if (typeof path !== 'string' || path === '') return root;
  if (typeof root !== 'object' || root === null) return root;
  const top = owned(root, copies);
  const tokens = path.split('/');
  let parent = top as Record<string, unknown>;
  for (let t = 1; t < tokens.length - 1; t++) {
    const token = tokens[t]!;
    const key = token.includes('~') ? token.replace(/~1/g, '/').replace(/~0/g, '~') : token;
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') break;
    if (!Object.prototype.hasOwnProperty.call(parent, key)) break;
    const child = parent[key];
    if (typeof child !== 'object' || child === null) break;
    const copy = owned(child, copies);
    parent[key] = copy;
    parent = copy as Record<string, unknown>;
  }
  return top;
}

/** `v` itself when this check made it, else a shallow copy of it, remembered as made. */
function owned(v: object, copies: Set<object>): object {
  if (copies.has(v)) return v;
  const copy = Array.isArray(v) ? v.slice() : { ...v };
  copies.add(copy);
  return copy;
}
