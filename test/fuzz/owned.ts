// What the webhook owns on a pod, read off src/mutation: its annotations (role, policy, status), the
// anti-affinity terms it appends, its volumes and init containers (names in src/mutation/names.ts), the
// mounts of its volumes and the TRUSTSTORE_* env it appends to containers, and a toolkit container's
// workingDir when the pod left it unset, and a nifi-ca pod's securityContext.fsGroup when it had none
// (CA pinning: the restore container reads the 0440 Secret through it). Parents of these may be
// created where absent or null.
// Everything else on the pod belongs to the user and must come back byte-for-byte equal.
import type { Json } from '../../src/json.js';
import { jsonEquals, parsePointer, type PatchOp } from '../support/rfc6902.js';
import { OUR_ANNOTATIONS, OUR_ENV, OUR_INITS, OUR_VOLUMES } from './values.js';

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: Json, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const named = (names: readonly string[]) => (item: unknown): boolean => isObject(item) && typeof item.name === 'string' && names.includes(item.name);

const ANTI = ['requiredDuringSchedulingIgnoredDuringExecution', 'preferredDuringSchedulingIgnoredDuringExecution'];

/** An anti-affinity term as the webhook writes one (required: a term; preferred: weight + term). */
function isOurTerm(item: unknown): boolean {
  if (!isObject(item)) return false;
  const t = isObject(item.podAffinityTerm) ? item.podAffinityTerm : item;
  return isObject(t.labelSelector) && typeof t.topologyKey === 'string' && Array.isArray(t.namespaces) && t.namespaces.length === 1;
}

type Check = (before: unknown, after: unknown, at: string, out: string[]) => void;

/** `after` equals `before`: any change is someone else's field. */
const same: Check = (before, after, at, out) => {
  if (!jsonEquals(before, after)) out.push(`${at} changed`);
};

/** An object where the listed members have their own rules and every other member must be equal. */
function objectWith(members: Record<string, Check>, createdWhenAbsent = true): Check {
  return (before, after, at, out) => {
    if (jsonEquals(before, after)) return;
    const b = before == null && createdWhenAbsent ? {} : before;
    if (!isObject(b) || !isObject(after)) {
      out.push(`${at} changed type or was replaced`);
      return;
    }
    for (const k of new Set([...Object.keys(b), ...Object.keys(after)])) {
      const rule = has(members, k) ? members[k]! : same;
      if (has(b, k) && !has(after, k)) out.push(`${at}.${k} was removed`);
      else rule(has(b, k) ? b[k] : undefined, after[k], `${at}.${k}`, out);
    }
  };
}

/** A list the webhook may only insert into: the user's items survive unchanged and in order; inserted items must satisfy `ours`. */
function insertOnly(ours: (item: unknown) => boolean): Check {
  return (before, after, at, out) => {
    if (jsonEquals(before, after)) return;
    const b = before == null ? [] : before;
    if (!Array.isArray(b) || !Array.isArray(after)) {
      out.push(`${at} changed type or was replaced`);
      return;
    }
    // Greedy subsequence match: equal items are interchangeable, so greedy is exact.
    let i = 0;
    for (const [j, x] of after.entries()) {
      if (i < b.length && jsonEquals(b[i], x)) i++;
      else if (!ours(x)) out.push(`${at}[${j}] is neither the user's (in order, unchanged) nor the webhook's`);
    }
    if (i < b.length) out.push(`${at}: user item ${i} is gone or changed`);
  };
}

/** A toolkit container's workingDir: set by CA pinning only where it was unset (absent, null or ''). */
const workingDir: Check = (before, after, at, out) => {
  if (jsonEquals(before, after)) return;
  if (!(before === undefined || before === null || before === '') || typeof after !== 'string') out.push(`${at} overwritten`);
};

/** The pod's fsGroup: set by CA pinning only where the pod had none (absent or null), to a number. */
const unsetOnly: Check = (before, after, at, out) => {
  if (jsonEquals(before, after)) return;
  if (!(before === undefined || before === null) || typeof after !== 'number') out.push(`${at} overwritten`);
};

const container = objectWith(
  {
    env: insertOnly(named(OUR_ENV)),
    volumeMounts: insertOnly(named(OUR_VOLUMES)),
    workingDir,
  },
  false,
);

const annotations: Check = (before, after, at, out) => {
  if (jsonEquals(before, after)) return;
  const b = before == null ? {} : before;
  if (!isObject(b) || !isObject(after)) {
    out.push(`${at} changed type or was replaced`);
    return;
  }
  for (const k of new Set([...Object.keys(b), ...Object.keys(after)])) {
    if ((OUR_ANNOTATIONS as readonly string[]).includes(k) && has(after, k) && typeof after[k] === 'string') continue;
    if (!has(after, k)) out.push(`${at}[${JSON.stringify(k)}] was removed`);
    else if (!has(b, k) || !jsonEquals(b[k], after[k])) out.push(`${at}[${JSON.stringify(k)}] changed`);
  }
};

const POD = objectWith(
  {
    metadata: objectWith({ annotations }),
    spec: objectWith({
      affinity: objectWith({
        podAntiAffinity: objectWith(Object.fromEntries(ANTI.map((k) => [k, insertOnly(isOurTerm)]))),
      }),
      securityContext: objectWith({ fsGroup: unsetOnly }),
      volumes: insertOnly(named(OUR_VOLUMES)),
      initContainers: insertOnly(named(OUR_INITS)),
      containers: (before, after, at, out) => {
        if (jsonEquals(before, after)) return;
        if (!Array.isArray(before) || !Array.isArray(after) || before.length !== after.length) {
          out.push(`${at} changed shape`);
          return;
        }
        before.forEach((c, i) => container(c, after[i], `${at}[${i}]`, out));
      },
    }),
  },
  false,
);

/** Every change from `before` to `after` that is not the webhook's to make. */
export function foreignChanges(before: Json, after: Json): string[] {
  const out: string[] = [];
  POD(before, after, 'pod', out);
  return out;
}

/** Where an operation may point: the owned members, their list items, and their parents. */
const OWNED_PATHS = [
  /^\/metadata$/,
  /^\/metadata\/annotations$/,
  /^\/metadata\/annotations\/nifi-ca-guard\.io~1(role|policy|status)$/,
  /^\/spec$/,
  /^\/spec\/affinity$/,
  /^\/spec\/affinity\/podAntiAffinity$/,
  /^\/spec\/affinity\/podAntiAffinity\/(required|preferred)DuringSchedulingIgnoredDuringExecution(\/(0|[1-9]\d*))?$/,
  /^\/spec\/(volumes|initContainers)(\/(0|[1-9]\d*))?$/,
  /^\/spec\/containers\/(0|[1-9]\d*)\/(volumeMounts|env)(\/(0|[1-9]\d*))?$/,
  /^\/spec\/containers\/(0|[1-9]\d*)\/workingDir$/,
  /^\/spec\/securityContext(\/fsGroup)?$/,
];

/**
 * Operation-level rules, on top of the result check: `add` into lists or onto absent members, or
 * `replace` of what was null (a parent the webhook creates), of an unset workingDir or of an owned
 * annotation; never a whole list or object replaced (that would race with other webhooks' changes)
 * nor anything removed.
 */
export function foreignOps(before: Json, patch: readonly PatchOp[]): string[] {
  const out: string[] = [];
  for (const op of patch) {
    if (!OWNED_PATHS.some((re) => re.test(op.path))) {
      out.push(`${op.op} ${op.path}: not an owned path`);
      continue;
    }
    const last = op.path.slice(op.path.lastIndexOf('/') + 1);
    const ownAnnotation = /^nifi-ca-guard\.io~1/.test(last);
    if (op.op === 'add') {
      // Into a list: an insertion. Onto an object member: only where nothing (or null) was, since
      // `add` over an existing member replaces it whole.
      if (Array.isArray(valueAt(before, op.path.slice(0, op.path.lastIndexOf('/'))))) continue;
      const old = valueAt(before, op.path);
      if (old !== undefined && old !== null && !ownAnnotation) out.push(`add ${op.path}: over an existing value`);
      continue;
    }
    if (op.op !== 'replace') {
      out.push(`${op.op} ${op.path}: the webhook only adds`);
      continue;
    }
    const old = valueAt(before, op.path);
    const fine = old === null || (last === 'workingDir' && old === '') || ownAnnotation;
    if (!fine) out.push(`replace ${op.path}: replaces ${Array.isArray(old) ? 'a whole list' : 'a user value'}`);
  }
  return out;
}

/** The value at a pointer in the original pod (undefined when absent); the pointer may be a later op's. */
function valueAt(doc: unknown, pointer: string): unknown {
  let cur = doc;
  for (const token of parsePointer(pointer)) {
    if (Array.isArray(cur)) cur = cur[Number(token)];
    else if (isObject(cur) && has(cur, token)) cur = cur[token];
    else return undefined;
  }
  return cur;
}
