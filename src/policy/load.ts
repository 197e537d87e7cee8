import { DEFAULT_POLICY_NAME, DEFAULT_SPEC } from './defaults.js';
import type { Policy } from './types.js';

/** The built-in default policy. */
export function builtinPolicy(): Policy {
  return Object.freeze({ name: DEFAULT_POLICY_NAME, spec: DEFAULT_SPEC });
}

/** Placeholder: validation and file loading land with the policy work. */
export function loadPolicyFile(_path: string): Policy {
  return builtinPolicy();
}
