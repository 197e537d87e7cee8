import type { Policy } from '../../src/policy/types.js';
import { validatePolicy } from '../../src/policy/validate.js';

/** A validated policy from a partial spec, for tables. */
export function policyWith(spec: unknown, name = 't'): Policy {
  const r = validatePolicy({ apiVersion: 'nifi-ca-guard.io/v1alpha1', kind: 'NiFiTrustPolicy', metadata: { name }, spec });
  if (!r.ok) throw new Error(r.issues.join('; '));
  return r.policy;
}

/** The built-in default policy spelled out, as manifests/base's policy ConfigMap holds it (before pinning). */
export const DEFAULT_POLICY_TEXT = `# the built-in default
apiVersion: nifi-ca-guard.io/v1alpha1
kind: NiFiTrustPolicy
metadata:
  name: default
spec:
  placement:
    mode: required
`;
