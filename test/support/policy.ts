import type { Policy } from '../../src/policy/types.js';
import { validatePolicy } from '../../src/policy/validate.js';

/** A validated policy from a partial spec, for tables. */
export function policyWith(spec: unknown, name = 't'): Policy {
  const r = validatePolicy({ apiVersion: 'nifi-ca-guard.io/v1alpha1', kind: 'NiFiTrustPolicy', metadata: { name }, spec });
  if (!r.ok) throw new Error(r.issues.join('; '));
  return r.policy;
}
