/** A JSON object as it arrives: Kubernetes objects are handled raw, never as typed models. */
export type Json = Record<string, unknown>;

export function isJson(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
