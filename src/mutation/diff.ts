import { isJson } from '../json.js';
import { jsonEqual } from './json-equal.js';
import type { Operation } from 'fast-json-patch';

/** RFC 6901: `~` becomes `~0` and `/` becomes `~1` inside a reference token. */
export function escapeToken(token: string): string {
  if (!token.includes('~') && !token.includes('/')) return token;
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * JSON Patch from `before` to `after`. Unlike a positional diff, an array that only gained elements
 * gets `add` operations at their indexes, so an element prepended to a user's list reads as one
 * insertion and never as a rewrite of the user's entries. Missing parents are added whole.
 * Each value is visited once (no equality walk before descending), and a subtree `after` shares with
 * `before` (the planned pod copies only what the webhook may change) is skipped at once.
 * A key whose value is `undefined` counts as absent, as in JSON.
 * Operation values are `after`'s own (not copies): the patch and the planned pod are read-only from
 * here on (encoded, printed, checked on copies by the patch guard), so copying them was work for nothing.
 */
export function diff(before: unknown, after: unknown, path = ''): Operation[] {
  const ops: Operation[] = [];
  diffInto(ops, before, after, path);
  return ops;
}

/** Appends to `ops`: one array for the whole diff, no intermediate ones (this runs on every admission). */
function diffInto(ops: Operation[], before: unknown, after: unknown, path: string): void {
  if (before === after) return;
  if (isJson(before) && isJson(after)) diffObjects(ops, before, after, path);
  else if (Array.isArray(before) && Array.isArray(after)) diffArrays(ops, before, after, path);
  else if (!jsonEqual(before, after)) ops.push({ op: 'replace', path, value: after });
}

function diffObjects(ops: Operation[], before: Record<string, unknown>, after: Record<string, unknown>, path: string): void {
  for (const key of Object.keys(before)) {
    if (before[key] !== undefined && !present(after, key)) ops.push({ op: 'remove', path: `${path}/${escapeToken(key)}` });
  }
  for (const key of Object.keys(after)) {
    const value = after[key];
    // Shared with `before` (most of a planned pod): nothing to say, and no path to build.
    if (value === undefined || value === before[key]) continue;
    const child = `${path}/${escapeToken(key)}`;
    if (!present(before, key)) ops.push({ op: 'add', path: child, value });
    else diffInto(ops, before[key], value, child);
  }
}

const present = (o: Record<string, unknown>, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key) && o[key] !== undefined;

function diffArrays(ops: Operation[], before: unknown[], after: unknown[], path: string): void {
  if (before.length === after.length) {
    for (let i = 0; i < before.length; i++) if (before[i] !== after[i]) diffInto(ops, before[i], after[i], `${path}/${i}`);
    return;
  }
  const inserts = insertionsOnly(before, after);
  if (!inserts) {
    ops.push({ op: 'replace', path, value: after });
    return;
  }
  for (const j of inserts) ops.push({ op: 'add', path: `${path}/${j}`, value: after[j] });
}

/** Indexes of `after` that were inserted, when `before` survives in `after` unchanged and in order. */
function insertionsOnly(before: unknown[], after: unknown[]): number[] | undefined {
  if (after.length < before.length) return undefined;
  const inserted: number[] = [];
  let i = 0;
  for (let j = 0; j < after.length; j++) {
    if (i < before.length && jsonEqual(before[i], after[j])) i++;
    else inserted.push(j);
  }
  return i === before.length ? inserted : undefined;
}
