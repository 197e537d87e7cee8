import { cloneJson, isJson } from '../json.js';
import { jsonEqual } from './json-equal.js';
import type { Operation } from 'fast-json-patch';

/** RFC 6901: `~` becomes `~0` and `/` becomes `~1` inside a reference token. */
export function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * JSON Patch from `before` to `after`. Unlike a positional diff, an array that only gained elements
 * gets `add` operations at their indexes, so an element prepended to a user's list reads as one
 * insertion and never as a rewrite of the user's entries. Missing parents are added whole.
 * Each value is visited once (no equality walk before descending), and a subtree `after` shares with
 * `before` (the planned pod copies only what the webhook may change) is skipped at once.
 * A key whose value is `undefined` counts as absent, as in JSON.
 */
export function diff(before: unknown, after: unknown, path = ''): Operation[] {
  if (before === after) return [];
  if (isJson(before) && isJson(after)) return diffObjects(before, after, path);
  if (Array.isArray(before) && Array.isArray(after)) return diffArrays(before, after, path);
  if (jsonEqual(before, after)) return [];
  return [{ op: 'replace', path, value: cloneJson(after) }];
}

function diffObjects(before: Record<string, unknown>, after: Record<string, unknown>, path: string): Operation[] {
  const ops: Operation[] = [];
  for (const key of Object.keys(before)) {
    if (before[key] !== undefined && !present(after, key)) ops.push({ op: 'remove', path: `${path}/${escapeToken(key)}` });
  }
  for (const key of Object.keys(after)) {
    const value = after[key];
    if (value === undefined) continue;
    const child = `${path}/${escapeToken(key)}`;
    if (!present(before, key)) ops.push({ op: 'add', path: child, value: cloneJson(value) });
    else appendAll(ops, diff(before[key], value, child));
  }
  return ops;
}

const present = (o: Record<string, unknown>, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key) && o[key] !== undefined;

/** push(...more) passes every element as an argument: 100k+ of them (a pod with 30k containers) overflow the stack. */
function appendAll<T>(into: T[], more: readonly T[]): void {
  for (const item of more) into.push(item);
}

function diffArrays(before: unknown[], after: unknown[], path: string): Operation[] {
  if (before.length === after.length) {
    return before.flatMap((item, i) => diff(item, after[i], `${path}/${i}`));
  }
  const inserts = insertionsOnly(before, after);
  if (inserts) return inserts.map((j) => ({ op: 'add', path: `${path}/${j}`, value: cloneJson(after[j]) }));
  return [{ op: 'replace', path, value: cloneJson(after) }];
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
