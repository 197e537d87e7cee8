// Every feature of a governed pod with its state. The planners' own StepOutcomes say what they did;
// a feature with no step did not run, and why is in the policy and the role (mutate.ts's plan()).
import type { Policy } from '../policy/types.js';
import type { StepOutcome } from '../mutation/step.js';

export type FeatureState = 'add' | 'present' | 'skipped' | 'not-applicable' | 'drifted';

export interface FeatureView {
  feature: string;
  state: FeatureState;
  /** The status annotation's detail (`required`, `pkcs12`, `merge`, the pinned Secret, `pvc`); '' when not applicable. */
  detail: string;
  /** False when in place but unable to protect the pod (the status annotation's `ineffective`). */
  effective: boolean;
  /** Why skipped or not applicable; '' otherwise. */
  why: string;
  /** The planner's problems (warnings) and what it added (notes), as the webhook words them. */
  warnings: string[];
  notes: string[];
}

/** The features in the order they are planned; a step of another name (a later feature) follows them. */
export const FEATURES = ['anti-affinity', 'trust-bundle', 'ca-pinning', 'ca-key'] as const;

export function featureViews(steps: readonly StepOutcome[], role: 'nifi' | 'nifi-ca', policy: Policy): FeatureView[] {
  const names = [...FEATURES, ...steps.map((s) => s.feature).filter((f) => !(FEATURES as readonly string[]).includes(f))];
  return names.map((feature) => {
    const s = steps.find((x) => x.feature === feature);
    if (!s) return { feature, state: 'not-applicable', detail: '', effective: true, why: notApplicable(feature, role, policy), warnings: [], notes: [] };
    return {
      feature,
      state: s.state === 'added' ? 'add' : s.state,
      detail: s.detail,
      effective: s.effective !== false,
      // A skipping planner says why in its last warning ("...; trust bundle not injected").
      why: s.state === 'skipped' ? (s.warnings[s.warnings.length - 1] ?? '') : '',
      warnings: [...s.warnings],
      notes: [...(s.notes ?? [])],
    };
  });
}

function notApplicable(feature: string, role: 'nifi' | 'nifi-ca', policy: Policy): string {
  const { spec } = policy;
  switch (feature) {
    case 'anti-affinity':
      return 'disabled in policy (spec.placement.mode: off)';
    case 'trust-bundle':
      return role !== 'nifi' ? 'NiFi pods only (role nifi-ca)' : 'disabled in policy (spec.trustBundle.enabled: false)';
    case 'ca-pinning':
      return role !== 'nifi-ca' ? 'nifi-ca pods only (role nifi)' : spec.caPinning.enabled ? '' : 'disabled in policy (spec.caPinning.enabled: false)';
    case 'ca-key':
      return role !== 'nifi-ca' ? 'nifi-ca pods only (role nifi)' : 'the CA key is not on a PersistentVolumeClaim';
    default:
      return 'did not apply to this pod';
  }
}
