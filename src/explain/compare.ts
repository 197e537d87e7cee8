// The first differences between what a pod carries and what the policy would inject now, in words
// ("image: a → b"). Containment, as the planners compare: fields the API server defaults afterwards
// (terminationMessagePath, a ServiceAccount token mount) are not differences. Values of env entries
// whose name says password are never printed.
import { jsonEqual } from '../mutation/json-equal.js';
import { isJson } from '../mutation/pod.js';

const MAX_SHOWN = 3;
const SECRETISH = /pass(word|wd)?/i;

/** Up to three differences where `actual` lacks or changes something of `expected`; [] when it holds all of it. */
export function differences(actual: unknown, expected: unknown, at: string): string[] {
  const out: string[] = [];
  walk(actual, expected, at, out, false);
  return out.length > MAX_SHOWN ? [...out.slice(0, MAX_SHOWN), `${out.length - MAX_SHOWN} more`] : out;
}

function walk(actual: unknown, expected: unknown, at: string, out: string[], hidden: boolean): void {
  if (expected === undefined) return;
  if (isJson(expected)) {
    if (!isJson(actual)) return void out.push(`${at}: ${show(actual, hidden)} → ${show(expected, hidden)}`);
    // Only the literal: a valueFrom names a Secret, which is no secret.
    const secret = typeof expected.name === 'string' && SECRETISH.test(expected.name);
    for (const [k, v] of Object.entries(expected)) walk(actual[k], v, join(at, k), out, hidden || (secret && k === 'value'));
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return void out.push(`${at}: ${show(actual, hidden)} → ${show(expected, hidden)}`);
    // A list of another length is shown whole; one of the same length item by item (args: only the changed words).
    if (actual.length !== expected.length) {
      if (!sameList(actual, expected)) out.push(`${at}: ${show(actual, hidden)} → ${show(expected, hidden)}`);
      return;
    }
    expected.forEach((e, i) => walk(actual[i], e, `${at}[${i}]`, out, hidden));
    return;
  }
  if (!jsonEqual(actual, expected)) out.push(`${at}: ${show(actual, hidden)} → ${show(expected, hidden)}`);
}

function sameList(actual: unknown[], expected: unknown[]): boolean {
  return actual.length === expected.length && expected.every((e, i) => differences(actual[i], e, '').length === 0);
}

const join = (at: string, key: string): string => (at === '' ? key : `${at}.${key}`);

function show(v: unknown, hidden: boolean): string {
  if (v === undefined) return '(none)';
  if (hidden) return '(not shown)';
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null)) return clip(v.map((x) => String(x)).join(' '));
  return clip(JSON.stringify(redacted(v)));
}

/** A copy where every object named like a password has its value replaced. */
function redacted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(redacted);
  if (!isJson(v)) return v;
  const secret = typeof v.name === 'string' && SECRETISH.test(v.name);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, secret && k === 'value' ? '(not shown)' : redacted(x)]));
}

function clip(s: string): string {
  return s.length > 100 ? `${s.slice(0, 99)}…` : s;
}
