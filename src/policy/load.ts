import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DEFAULT_POLICY_NAME, DEFAULT_SPEC } from './defaults.js';
import { PolicyError, PolicyFileError } from './errors.js';
import { isJson } from '../json.js';
import { API_VERSION, POLICY_CONFIG_KEY, POLICY_KIND, type Policy } from './types.js';
import { validatePolicy, type PolicyDefaults } from './validate.js';

// yaml is loaded on the first policy text, not at import: `serve` with the built-in policy never
// parses YAML, and loading it costs start-up time and memory (about 10 MB of RSS).
const require = createRequire(import.meta.url);
let yaml: typeof import('yaml') | undefined;
const parseAllDocuments = (text: string) => (yaml ??= require('yaml') as typeof import('yaml')).parseAllDocuments(text);

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
  return readPolicyText(text, source, defaults).policy;
}

/**
 * Parses a policy, or the policy a ConfigMap holds under POLICY_CONFIG_KEY (the install's
 * nifi-ca-guard-policy, as `kubectl get configmap -o yaml` prints it): handed a ConfigMap, a user means
 * the policy in it. `text` is the policy's own text (the ConfigMap's value when it came in one).
 */
export function readPolicyText(text: string, source: string, defaults: PolicyDefaults = {}, inConfigMap = false): { policy: Policy; text: string } {
  const docs = parseAllDocuments(text).filter((d) => d.contents !== null);
  if (docs.length !== 1) throw new PolicyError(source, [`(file): must hold exactly one document, found ${docs.length}`]);
  const doc = docs[0]!;
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    throw new PolicyError(source, [`(file)${pos ? `:${pos.line}:${pos.col}` : ''}: not valid YAML: ${e.message.split('\n')[0]!.replace(/:\s*$/, '')}`]);
  }
  const js: unknown = doc.toJS({ maxAliasCount: 100 });
  if (!inConfigMap && isJson(js) && js.kind === 'ConfigMap') {
    const inner = configMapPolicy(js, source);
    return readPolicyText(inner.text, inner.source, defaults, true);
  }
  const result = validatePolicy(js, defaults);
  if (!result.ok) throw new PolicyError(source, result.issues);
  return { policy: result.policy, text };
}

function configMapPolicy(cm: Record<string, unknown>, source: string): { text: string; source: string } {
  const name = isJson(cm.metadata) && typeof cm.metadata.name === 'string' ? cm.metadata.name : '(unnamed)';
  const data = isJson(cm.data) ? cm.data : {};
  const value = data[POLICY_CONFIG_KEY];
  if (typeof value === 'string') return { text: value, source: `${source} (ConfigMap ${name}, key ${POLICY_CONFIG_KEY})` };
  const keys = Object.keys(data);
  throw new PolicyError(source, [
    `(file): is ConfigMap ${name}, not a NiFiTrustPolicy, and its data has no ${POLICY_CONFIG_KEY} key (the key the install's policy ConfigMap holds the policy under)` +
      `${keys.length > 0 ? `; it has ${keys.slice(0, 5).join(', ')}` : ''}: pass the policy file itself`,
  ]);
}

/** Reads and validates a local policy file; `text` is the file's text (the watcher starts from it), `policyText` the policy's own. */
export function readPolicyFile(path: string, defaults: PolicyDefaults = {}): { policy: Policy; text: string; policyText: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PolicyFileError(path, (err as NodeJS.ErrnoException).code ?? 'read error');
  }
  const read = readPolicyText(text, path, defaults);
  return { policy: read.policy, text, policyText: read.text };
}

/** Reads and validates a local policy file. */
export function loadPolicyFile(path: string): Policy {
  return readPolicyFile(path).policy;
}
