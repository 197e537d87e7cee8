import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_POLICY_NAME, DEFAULT_SPEC } from './defaults.js';
import { PolicyError } from './errors.js';
import { API_VERSION, POLICY_KIND, type Policy } from './types.js';
import { validatePolicy, type PolicyDefaults } from './validate.js';

const BUILTIN: Policy = Object.freeze({ name: DEFAULT_POLICY_NAME, spec: DEFAULT_SPEC });

/** The built-in default policy (with the webhook's init image, when it runs with one). */
export function builtinPolicy(defaults: PolicyDefaults = {}): Policy {
  if (defaults.initImage === undefined) return BUILTIN;
  const r = validatePolicy({ apiVersion: API_VERSION, kind: POLICY_KIND, metadata: { name: DEFAULT_POLICY_NAME } }, defaults);
  if (!r.ok) throw new Error(`built-in policy: ${r.issues.join('; ')}`);
  return r.policy;
}

/** Parses one NiFiTrustPolicy from YAML or JSON text; throws PolicyError naming every problem. */
export function parsePolicyText(text: string, source: string, defaults: PolicyDefaults = {}): Policy {
  const docs = parseAllDocuments(text).filter((d) => d.contents !== null);
  if (docs.length !== 1) throw new PolicyError(source, [`(file): must hold exactly one document, found ${docs.length}`]);
  const doc = docs[0]!;
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    throw new PolicyError(source, [`(file)${pos ? `:${pos.line}:${pos.col}` : ''}: not valid YAML: ${e.message.split('\n')[0]!.replace(/:\s*$/, '')}`]);
  }
  const result = validatePolicy(doc.toJS({ maxAliasCount: 100 }), defaults);
  if (!result.ok) throw new PolicyError(source, result.issues);
  return result.policy;
}

/** Reads and validates a local policy file; `text` is what was validated (the watcher starts from it). */
export function readPolicyFile(path: string, defaults: PolicyDefaults = {}): { policy: Policy; text: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'read error';
    throw new PolicyError(path, [`(file): cannot read (${code})`]);
  }
  return { policy: parsePolicyText(text, path, defaults), text };
}

/** Reads and validates a local policy file. */
export function loadPolicyFile(path: string): Policy {
  return readPolicyFile(path).policy;
}
