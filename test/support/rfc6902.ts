// A strict RFC 6902 (JSON Patch) applier over RFC 6901 pointers, for tests that must prove a patch
// applies exactly as a strict server would apply it. Hand-written on purpose: fast-json-patch is
// lenient where this must not be (it accepts array indexes with leading zeros such as `/a/01`, and
// throws a bare TypeError on `__proto__` keys and on malformed `~` escapes instead of applying or
// refusing them by the RFC), and a lenient applier would hide exactly the defects the fuzz hunts.

/** One RFC 6902 operation, as it arrives (unchecked). */
export interface PatchOp {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

/** Why a patch does not apply: the failing operation's index and a reason naming the path. */
export class PatchError extends Error {
  constructor(
    readonly index: number,
    readonly reason: string,
  ) {
    super(`op ${index}: ${reason}`);
    this.name = 'PatchError';
  }
}

type Container = Record<string, unknown> | unknown[];

const INDEX = /^(0|[1-9][0-9]*)$/;

/** RFC 6901 reference tokens; `~` must be followed by 0 or 1, and `~1` decodes before `~0`. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`pointer ${JSON.stringify(pointer)} must be empty or start with /`);
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => {
      if (/~(?![01])/.test(raw)) throw new Error(`pointer ${JSON.stringify(pointer)} has a ~ not followed by 0 or 1`);
      return raw.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own members only: an inherited `constructor` or `__proto__` is not part of a JSON document. */
function has(obj: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** Sets an own data property, so a `__proto__` key is stored as a member and never sets a prototype. */
function put(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function arrayIndex(arr: unknown[], token: string, allowEnd: boolean, at: string): number {
  if (!INDEX.test(token)) throw new Error(`${at}: ${JSON.stringify(token)} is not an array index`);
  const i = Number(token);
  const max = allowEnd ? arr.length : arr.length - 1;
  if (i > max) throw new Error(`${at}: index ${i} is out of bounds (length ${arr.length})`);
  return i;
}

/** The value a pointer names; throws when any step is missing. */
function resolve(doc: unknown, tokens: readonly string[], pointer: string): unknown {
  let cur = doc;
  for (const [n, token] of tokens.entries()) {
    const at = `${pointer} (token ${n})`;
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, token, false, at)];
    else if (isObject(cur)) {
      if (!has(cur, token)) throw new Error(`${at}: no member ${JSON.stringify(token)}`);
      cur = cur[token];
    } else throw new Error(`${at}: cannot descend into ${cur === null ? 'null' : typeof cur}`);
  }
  return cur;
}

/** The existing container a pointer's last token lives in (never created: `add` to a missing parent fails). */
function parentOf(doc: unknown, tokens: readonly string[], pointer: string): Container {
  const parent = resolve(doc, tokens.slice(0, -1), pointer);
  if (!Array.isArray(parent) && !isObject(parent)) throw new Error(`${pointer}: parent is ${parent === null ? 'null' : typeof parent}, not an object or array`);
  return parent;
}

/** Deep JSON equality: own members, any order, arrays in order. */
export function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEquals(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => has(b, k) && jsonEquals(a[k], b[k]));
  }
  return false;
}

function add(doc: unknown, tokens: string[], pointer: string, value: unknown): unknown {
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens, pointer);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) {
    if (last === '-') parent.push(value);
    else parent.splice(arrayIndex(parent, last, true, pointer), 0, value);
  } else {
    // RFC 6901 would read `-` on an object as a member named "-". No Kubernetes object has one: a `-`
    // aimed at an object always means the patch's author believed it was an array, so it is refused.
    if (last === '-') throw new Error(`${pointer}: "-" on an object (only arrays have an end to append to)`);
    put(parent, last, value);
  }
  return doc;
}

function remove(doc: unknown, tokens: string[], pointer: string): { doc: unknown; removed: unknown } {
  if (tokens.length === 0) throw new Error('cannot remove the whole document');
  const parent = parentOf(doc, tokens, pointer);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) {
    const i = arrayIndex(parent, last, false, pointer);
    return { doc, removed: parent.splice(i, 1)[0] };
  }
  if (!has(parent, last)) throw new Error(`${pointer}: no member ${JSON.stringify(last)} to remove`);
  const removed = parent[last];
  delete parent[last];
  return { doc, removed };
}

function replace(doc: unknown, tokens: string[], pointer: string, value: unknown): unknown {
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens, pointer);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) parent[arrayIndex(parent, last, false, pointer)] = value;
  else {
    if (!has(parent, last)) throw new Error(`${pointer}: no member ${JSON.stringify(last)} to replace`);
    put(parent, last, value);
  }
  return doc;
}

function valueOf(op: PatchOp): unknown {
  if (!Object.prototype.hasOwnProperty.call(op, 'value')) throw new Error(`${op.op} ${op.path}: no "value" member`);
  return structuredClone(op.value);
}

function fromOf(op: PatchOp): string[] {
  if (typeof op.from !== 'string') throw new Error(`${op.op} ${op.path}: "from" must be a string`);
  return parsePointer(op.from);
}

function applyOne(doc: unknown, op: PatchOp): unknown {
  if (!isObject(op)) throw new Error('operation is not an object');
  if (typeof op.path !== 'string') throw new Error('"path" must be a string');
  const tokens = parsePointer(op.path);
  switch (op.op) {
    case 'add':
      return add(doc, tokens, op.path, valueOf(op));
    case 'remove':
      return remove(doc, tokens, op.path).doc;
    case 'replace':
      return replace(doc, tokens, op.path, valueOf(op));
    case 'move': {
      const from = fromOf(op);
      if (op.path !== op.from && op.path.startsWith(`${op.from}/`)) throw new Error(`move ${op.from} -> ${op.path}: into its own child`);
      const { doc: after, removed } = remove(doc, from, op.from!);
      return add(after, tokens, op.path, removed);
    }
    case 'copy':
      return add(doc, tokens, op.path, structuredClone(resolve(doc, fromOf(op), op.from!)));
    case 'test':
      if (!jsonEquals(resolve(doc, tokens, op.path), op.value)) throw new Error(`test ${op.path}: value differs`);
      return doc;
    default:
      throw new Error(`unknown op ${JSON.stringify(op.op)}`);
  }
}

/**
 * Applies `patch` to a copy of `doc`, all or nothing. Throws PatchError on the first operation that
 * does not apply: `add` to a missing parent, `-` anywhere but at the end of an array, an index out of
 * bounds or with leading zeros, `remove`/`replace` of a missing member, a malformed pointer.
 */
export function applyPatchStrict<T>(doc: T, patch: readonly PatchOp[]): T {
  if (!Array.isArray(patch)) throw new PatchError(-1, 'a patch must be an array of operations');
  let cur: unknown = structuredClone(doc);
  patch.forEach((op, i) => {
    try {
      cur = applyOne(cur, op);
    } catch (err) {
      throw new PatchError(i, (err as Error).message);
    }
  });
  return cur as T;
}
