import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { cloneJson } from '../json.js';

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
 * The copy is made along each operation's path only (copy on write): jsonpatch.validate deep copies the
 * whole pod and patch through JSON text, which was a fifth of an admission's CPU time. Neither the pod
 * nor the patch we answer with is touched. Other operations (the diff makes none) get a whole copy.
 *
 * add, remove and replace below the root (all the diff makes) are applied by applyCopied, a port of
 * fast-json-patch's applyOperation with validation for those three: through the library they were a
 * third of an admission's CPU time and allocations (every add validated twice, its value walked twice
 * for undefined, its path split three times). Same checks, same order, same error names;
 * test/unit/patch-guard.property.test.ts holds it to the library on generated documents and patches.
 * Any other operation goes through the library itself.
 */
export function patchProblem(object: Record<string, unknown>, patch: readonly Operation[]): PatchProblem | undefined {
  const r = applyToCopy(object, patch);
  return 'problem' in r ? r.problem : undefined;
}

/** The patch applied as patchProblem checks it: the patched copy, or why it does not apply. */
export function applyToCopy(object: unknown, patch: readonly Operation[]): { document: unknown } | { problem: PatchProblem } {
  const copies = new Set<object>();
  let doc: unknown = object;
  try {
    for (let i = 0; i < patch.length; i++) {
      const op = patch[i]!;
      if (typeof doc === 'object' && doc !== null && isPorted(op)) {
        doc = applyCopied(doc, op, i, copies);
        continue;
      }
      // Never made by the diff, so never worth copying along: a move can change what a path resolves to.
      doc = cloneJson(doc);
      // The library's validator would report every operation as index 0: told its own index here.
      const validate = (o: Operation, _index: number, d: unknown, fragment: string) => jsonpatch.validator(o, i, d as object, fragment);
      doc = jsonpatch.applyOperation(doc, op, validate, true, true, i).newDocument;
    }
  } catch (thrown) {
    if (thrown instanceof jsonpatch.JsonPatchError) {
      // Its message embeds the operation and the whole document: only name and index are kept.
      const index = typeof thrown.index === 'number' ? thrown.index : -1;
      return { problem: { code: thrown.name, index, op: patch[index]?.op ?? 'unknown' } };
    }
    // A path through __proto__ or constructor/prototype: fast-json-patch throws a TypeError instead.
    return { problem: { code: thrown instanceof Error ? thrown.name : 'Error', index: -1, op: 'unknown' } };
  }
  return { document: doc };
}

type Ported = Operation & { op: 'add' | 'remove' | 'replace'; path: string };

function isPorted(op: unknown): op is Ported {
  if (typeof op !== 'object' || op === null || Array.isArray(op)) return false;
  const { op: name, path } = op as { op?: unknown; path?: unknown };
  return (name === 'add' || name === 'remove' || name === 'replace') && typeof path === 'string' && path.startsWith('/');
}

/** fast-json-patch's error, without the document (its constructor would print it into the message). */
function fail(message: string, name: string, index: number, op: Operation): never {
  throw new jsonpatch.JsonPatchError(message, name as jsonpatch.JsonPatchError['name'], index, op, undefined);
}

/**
 * applyOperation(root, op, validate = true, mutate = true, banPrototypeModifications = true), on copies:
 * each container on the path is copied (once per check) before it is entered or changed.
 */
function applyCopied(root: object, op: Ported, index: number, copies: Set<object>): object {
  // What the library's validator checks first, before the document.
  if (op.op !== 'remove') {
    if (op.value === undefined) fail('Operation `value` property is not present', 'OPERATION_VALUE_REQUIRED', index, op);
    if (hasUndefined(op.value)) fail('Operation `value` property is not present', 'OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED', index, op);
  }
  const top = owned(root, copies);
  const keys = op.path.split('/');
  const len = keys.length;
  let obj = top as Record<string | number, unknown>;
  let located = false;
  for (let t = 1; ; ) {
    const raw = keys[t]!;
    let key: string | number = raw.includes('~') ? raw.replace(/~1/g, '/').replace(/~0/g, '~') : raw;
    if (key === '__proto__' || (key === 'prototype' && keys[t - 1] === 'constructor')) {
      throw new TypeError('JSON-Patch: modifying `__proto__` or `constructor/prototype` prop is banned');
    }
    // The library's existingPathFragment: the first missing key, or the last one. What an add may
    // create is the last key alone; replace and remove need every key to exist.
    if (!located) {
      if (obj[key] === undefined) {
        located = true;
        if (op.op !== 'add') fail('Cannot perform the operation at a path that does not exist', 'OPERATION_PATH_UNRESOLVABLE', index, op);
        if (len !== t + 1 && len !== t) fail('Cannot perform an `add` operation at the desired path', 'OPERATION_PATH_CANNOT_ADD', index, op);
      } else if (t === len - 1) {
        located = true;
      }
    }
    t++;
    if (Array.isArray(obj)) {
      if (key === '-') key = obj.length;
      else if (!isUnsignedDigits(key)) fail('Expected an unsigned base-10 integer value', 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX', index, op);
      else key = ~~key;
      if (t >= len) {
        if (op.op === 'add' && key > obj.length) fail('The specified index MUST NOT be greater than the number of elements in the array', 'OPERATION_VALUE_OUT_OF_BOUNDS', index, op);
        if (op.op === 'add') obj.splice(key, 0, op.value);
        else if (op.op === 'remove') obj.splice(key, 1);
        else obj[key] = op.value;
        return top;
      }
    } else if (t >= len) {
      if (op.op === 'remove') delete obj[key];
      else obj[key] = op.value;
      return top;
    }
    const child = obj[key];
    if (!child || typeof child !== 'object') fail('Cannot perform operation at the desired path', 'OPERATION_PATH_UNRESOLVABLE', index, op);
    const copy = owned(child as object, copies);
    obj[key] = copy;
    obj = copy as Record<string | number, unknown>;
  }
}

/** The library's isInteger: only ASCII digits (the empty string included). */
function isUnsignedDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** The library's hasUndefined: undefined anywhere in a value, own enumerable keys of objects. */
function hasUndefined(v: unknown): boolean {
  if (v === undefined) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (hasUndefined(v[i])) return true;
  } else if (v && typeof v === 'object') {
    for (const k of Object.keys(v)) if (hasUndefined((v as Record<string, unknown>)[k])) return true;
  }
  return false;
}

/** `v` itself when this check made it, else a shallow copy of it, remembered as made. */
function owned(v: object, copies: Set<object>): object {
  if (copies.has(v)) return v;
  const copy = Array.isArray(v) ? v.slice() : { ...v };
  copies.add(copy);
  return copy;
}
