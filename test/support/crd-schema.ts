// What kube-apiserver does with a custom resource's structural schema, for the parts the NiFiTrustPolicy
// CRD uses: defaulting (nested defaults apply under a defaulted parent) and validation (type, enum,
// pattern, lengths, bounds, minItems, required). A unit-test stand-in for the API server, which the
// control-plane e2e (s10-crd-schema) holds to the real one over the same table of documents.
// Patterns are evaluated as JavaScript regular expressions: the CRD's patterns use only syntax whose
// meaning RE2 (the API server's) shares.
import type { CrdSchema } from '../../src/install/crd-schema.js';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A copy of `value` with the schema's defaults filled in, as the API server stores it. */
export function withDefaults(value: unknown, schema: CrdSchema): unknown {
  if (Array.isArray(value)) return schema.items ? value.map((v) => withDefaults(v, schema.items!)) : structuredClone(value);
  if (!isObject(value)) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const sub = schema.properties?.[k] ?? schema.additionalProperties;
    out[k] = sub ? withDefaults(v, sub) : structuredClone(v);
  }
  for (const [k, sub] of Object.entries(schema.properties ?? {})) {
    if (out[k] === undefined && sub.default !== undefined) out[k] = withDefaults(structuredClone(sub.default), sub);
  }
  return out;
}

function typeProblem(value: unknown, schema: CrdSchema): string | undefined {
  switch (schema.type) {
    case undefined:
      return schema['x-kubernetes-preserve-unknown-fields'] ? undefined : 'schema without a type';
    case 'object':
      return isObject(value) ? undefined : 'must be an object';
    case 'array':
      return Array.isArray(value) ? undefined : 'must be an array';
    case 'integer':
      return Number.isInteger(value) ? undefined : 'must be an integer';
    case 'string':
    case 'boolean':
      return typeof value === schema.type ? undefined : `must be a ${schema.type}`;
  }
}

/** Why the API server would refuse `value` under `schema` ([] when it accepts). Unknown fields are pruned, not refused. */
export function schemaProblems(value: unknown, schema: CrdSchema, path: string): string[] {
  if (value === null || value === undefined) return []; // a null is pruned before validation
  const t = typeProblem(value, schema);
  if (t) return [`${path}: ${t}`];
  const out: string[] = [];
  if (schema.enum && !schema.enum.includes(value as string)) out.push(`${path}: must be one of ${schema.enum.join(', ')}`);
  if (typeof value === 'string') {
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) out.push(`${path}: must match ${schema.pattern}`);
    if (schema.minLength !== undefined && value.length < schema.minLength) out.push(`${path}: shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) out.push(`${path}: longer than ${schema.maxLength}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) out.push(`${path}: below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) out.push(`${path}: above ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) out.push(`${path}: fewer than ${schema.minItems} items`);
    if (schema.items) value.forEach((v, i) => out.push(...schemaProblems(v, schema.items!, `${path}[${i}]`)));
  }
  if (isObject(value)) {
    for (const k of schema.required ?? []) if (value[k] === undefined) out.push(`${path}.${k}: required`);
    for (const [k, v] of Object.entries(value)) {
      const sub = schema.properties?.[k] ?? schema.additionalProperties;
      if (sub) out.push(...schemaProblems(v, sub, `${path}.${k}`));
    }
  }
  return out;
}

/** Every schema node, with its path: `.properties` as `.name`, `.items` as `[]`, `.additionalProperties` as `.*`. */
export function schemaNodes(schema: CrdSchema, path: string): Array<{ path: string; schema: CrdSchema }> {
  return [
    { path, schema },
    ...Object.entries(schema.properties ?? {}).flatMap(([k, s]) => schemaNodes(s, `${path}.${k}`)),
    ...(schema.items ? schemaNodes(schema.items, `${path}[]`) : []),
    ...(schema.additionalProperties ? schemaNodes(schema.additionalProperties, `${path}.*`) : []),
  ];
}
