// The patch guard applies add, remove and replace by its own port of fast-json-patch's applyOperation
// (patch-guard.ts says why). Here the library itself is the reference: generated documents and
// patches (paths that exist, are missing, run past an array, through scalars, '-', '~' escapes,
// __proto__, values holding undefined, other operations) must give the same patched document or the
// same error name and operation index, and leave document and patch untouched.
import { expect } from 'chai';
import jsonpatch, { type Operation } from 'fast-json-patch';
import { applyToCopy } from '../../src/admission/patch-guard.js';
import { Rng, runSeed } from '../fuzz/prng.js';

const N = Number(process.env.PATCH_GUARD_FUZZ_N ?? 3000);
const KEYS = ['a', 'b', 'spec', 'a/b', 'c~d', '~1', '0', '1', ''];

function value(rng: Rng, depth: number): unknown {
  const kind = rng.int(0, depth > 2 ? 3 : 6);
  switch (kind) {
    case 0: return rng.int(0, 9);
    case 1: return rng.pick(['x', '', 'nifi']);
    case 2: return rng.chance(0.5) ? null : true;
    case 3: return rng.chance(0.5) ? [] : {};
    case 4: case 5: {
      const o: Record<string, unknown> = {};
      for (let i = rng.int(0, 3); i > 0; i--) o[rng.pick(KEYS)] = value(rng, depth + 1);
      return o;
    }
    default: return Array.from({ length: rng.int(0, 3) }, () => value(rng, depth + 1));
  }
}

const escape = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** A path: a walk into the document as it is now, then maybe a token that is not there. */
function path(rng: Rng, doc: unknown, wild = true): string {
  const tokens: string[] = [];
  let cur = doc;
  while (cur !== null && typeof cur === 'object' && rng.chance(0.75)) {
    const keys = Array.isArray(cur) ? cur.map((_, i) => String(i)) : Object.keys(cur);
    if (keys.length === 0) break;
    const k = rng.pick(keys);
    tokens.push(Array.isArray(cur) ? k : escape(k));
    cur = (cur as Record<string, unknown>)[k];
  }
  if (wild && rng.chance(0.6)) {
    const len = Array.isArray(cur) ? cur.length : 3;
    tokens.push(rng.pick(['-', String(len), String(len + 1), 'x', '01', escape(rng.pick(KEYS)), '__proto__', 'constructor']));
    if (rng.chance(0.2)) tokens.push(rng.pick(['prototype', 'a', '0']));
  }
  if (tokens.length > 0) return `/${tokens.join('/')}`;
  // A move or copy from the root would put the document inside itself: never a from.
  return wild ? rng.pick(['', '/']) : '/a';
}

function operation(rng: Rng, doc: unknown): Operation {
  const op = rng.pick(['add', 'add', 'remove', 'replace', 'replace', 'test', 'move', 'copy'] as const);
  const p = rng.chance(0.03) ? 'no-slash' : path(rng, doc);
  const v = rng.chance(0.05) ? undefined : rng.chance(0.05) ? { a: [1, undefined] } : value(rng, 1);
  if (op === 'remove') return { op, path: p };
  if (op === 'move' || op === 'copy') return { op, path: p, from: path(rng, doc, false) }; // from: existing members only (not functions such as constructor)
  return { op, path: p, value: v } as Operation;
}

/**
 * The library, with its validation, on deep copies of document and patch (it inserts values by
 * reference and may change them by a later operation); its validator told each operation's own index.
 */
function reference(doc: unknown, original: Operation[]): { document: unknown } | { problem: { code: string; index: number; op: string } } {
  let d: unknown = structuredClone(doc);
  const patch = structuredClone(original);
  try {
    for (let i = 0; i < patch.length; i++) {
      const validate = (o: Operation, _i: number, document: unknown, fragment: string) => jsonpatch.validator(o, i, document, fragment);
      d = jsonpatch.applyOperation(d, patch[i]!, validate, true, true, i).newDocument;
    }
  } catch (e) {
    if (e instanceof jsonpatch.JsonPatchError) return { problem: { code: e.name, index: e.index!, op: patch[e.index!]?.op ?? 'unknown' } };
    return { problem: { code: e instanceof Error ? e.name : 'Error', index: -1, op: 'unknown' } };
  }
  return { document: d };
}

describe('admission/patch-guard: its own add/remove/replace agree with fast-json-patch (property)', () => {
  const seed = runSeed();
  it(`${N} generated documents and patches (seed ${seed})`, () => {
    const outcomes = new Map<string, number>();
    for (let i = 0; i < N; i++) {
      const rng = new Rng(seed, i);
      const doc = value(rng, 0);
      const patch: Operation[] = [];
      let shadow: unknown = structuredClone(doc);
      for (let n = rng.int(1, 4); n > 0; n--) {
        const op = operation(rng, shadow);
        patch.push(op);
        const r = reference(shadow, [op]);
        if ('document' in r) shadow = r.document; // later operations aim at the document as patched so far
      }
      const docBefore = structuredClone(doc);
      const patchBefore = structuredClone(patch);
      const got = applyToCopy(doc, patch);
      const want = reference(doc, patch);
      const where = `seed ${seed} index ${i}: ${JSON.stringify(doc)} ${JSON.stringify(patch)}`;
      expect(got, where).to.deep.equal(want);
      expect(doc, `${where}: document changed`).to.deep.equal(docBefore);
      expect(patch, `${where}: patch changed`).to.deep.equal(patchBefore);
      const key = 'problem' in want ? want.problem.code : 'applied';
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    // The generator reaches every way a patch can fail, and applies often enough.
    for (const code of ['applied', 'OPERATION_PATH_UNRESOLVABLE', 'OPERATION_PATH_CANNOT_ADD', 'OPERATION_VALUE_OUT_OF_BOUNDS', 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX', 'OPERATION_VALUE_REQUIRED', 'OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED', 'OPERATION_PATH_INVALID', 'TypeError']) {
      expect(outcomes.get(code) ?? 0, `${code} in ${JSON.stringify([...outcomes])}`).to.be.at.least(3);
    }
  });
});
