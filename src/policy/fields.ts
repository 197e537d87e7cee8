// Small field checkers that record every problem with its path instead of stopping at the first.

import { isJson } from '../json.js';

export type Issues = string[];


const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|[KMGTPE]i|[numkMGTPE])?$/;
const SUFFIX: Readonly<Record<string, number>> = {
  '': 1, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

export function isDnsLabel(s: string): boolean {
  return s.length <= 63 && DNS_LABEL.test(s);
}
export function isDnsSubdomain(s: string): boolean {
  return s.length <= 253 && DNS_SUBDOMAIN.test(s);
}
export function isSecretKey(s: string): boolean {
  return s.length <= 253 && SECRET_KEY.test(s);
}
export function isQuantity(s: string): boolean {
  return QUANTITY.test(s);
}

/** The value of a quantity that passed isQuantity, for comparing requests with limits. */
export function quantityValue(s: string): number {
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(.*)$/.exec(s)!;
  const suffix = m[2]!;
  return /^[eE]/.test(suffix) ? Number(m[1]! + suffix) : Number(m[1]) * SUFFIX[suffix]!;
}

/** A qualified label key: optional DNS-subdomain prefix, `/`, and a name of at most 63 characters. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (slash >= 0 && !isDnsSubdomain(prefix)) return 'prefix must be a DNS subdomain';
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) {
    return 'name must be 1-63 alphanumerics, "-", "_" or ".", starting and ending alphanumeric';
  }
  return undefined;
}

export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63 || !LABEL_NAME.test(value)) {
    return 'must be at most 63 alphanumerics, "-", "_" or ".", starting and ending alphanumeric';
  }
  return undefined;
}

/** Reports keys the schema does not know: a typo must not silently fall back to a default. */
export function unknownKeys(obj: Record<string, unknown>, known: readonly string[], path: string, issues: Issues): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) issues.push(`${path}.${key}: unknown field`);
  }
}

export function optString(obj: Record<string, unknown>, key: string, path: string, issues: Issues, fallback: string): string {
  const v = obj[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'string') {
    issues.push(`${path}.${key}: must be a string`);
    return fallback;
  }
  return v;
}

export function optBool(obj: Record<string, unknown>, key: string, path: string, issues: Issues, fallback: boolean): boolean {
  const v = obj[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') {
    issues.push(`${path}.${key}: must be true or false`);
    return fallback;
  }
  return v;
}

export function optEnum<T extends string>(
  obj: Record<string, unknown>,
  key: string,
  path: string,
  issues: Issues,
  allowed: readonly T[],
  fallback: T,
): T {
  const v = obj[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !allowed.includes(v as T)) {
    issues.push(`${path}.${key}: must be one of ${allowed.join(', ')}`);
    return fallback;
  }
  return v as T;
}

export function optObject(obj: Record<string, unknown>, key: string, path: string, issues: Issues): Record<string, unknown> {
  const v = obj[key];
  if (v === undefined || v === null) return {};
  if (!isJson(v)) {
    issues.push(`${path}.${key}: must be an object`);
    return {};
  }
  return v;
}

export function optStringArray(obj: Record<string, unknown>, key: string, path: string, issues: Issues, fallback: readonly string[]): string[] {
  const v = obj[key];
  if (v === undefined) return [...fallback];
  if (!Array.isArray(v)) {
    issues.push(`${path}.${key}: must be a list of strings`);
    return [...fallback];
  }
  const out: string[] = [];
  v.forEach((item, i) => {
    if (typeof item !== 'string') issues.push(`${path}.${key}[${i}]: must be a string`);
    else out.push(item);
  });
  return out;
}
