// The suggestion checks its own output: the printed text, parsed back, must be a valid policy.
import { parse } from 'yaml';
import { validatePolicy } from '../policy/validate.js';

/** Every problem validatePolicy finds in the rendered text; empty when it is a valid policy. */
export function renderedPolicyIssues(text: string): string[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    return [`not YAML: ${(err as Error).message.split('\n')[0]}`];
  }
  const r = validatePolicy(doc);
  return r.ok ? [] : r.issues;
}
