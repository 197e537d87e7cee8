/** A JSON object as it arrives: Kubernetes objects are handled raw, never as typed models. */
export type Json = Record<string, unknown>;

export function isJson(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A deep copy of a JSON value (what JSON.parse or YAML gives: plain objects, arrays, scalars). By hand
 * because structuredClone serialises through the structured-clone format: on an 8.5 KB pod it was a
 * third of the admission's CPU time, this is several times cheaper. A `__proto__` key is kept as an own
 * property, as JSON.parse makes it, never turned into a prototype.
 */
export function cloneJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = cloneJson(value[i]);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = cloneJson((value as Record<string, unknown>)[key]);
    if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else out[key] = v;
  }
  return out as T;
}
