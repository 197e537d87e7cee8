/** What one planner did to the planned pod; mutate.ts turns these into warnings and the status annotation. */
export interface StepOutcome {
  /** Short feature name, e.g. "anti-affinity" or "trust-bundle". */
  feature: string;
  /** added: the pod changed; present: already there; skipped: could not apply safely. */
  state: 'added' | 'present' | 'skipped';
  /** Detail for the status annotation, e.g. "required" or "pkcs12". */
  detail: string;
  /** Problems: what could not be done, or was left to the user. Shown in every mode. */
  warnings: string[];
  /** What was added, e.g. "added required anti-affinity ..."; shown only when the patch is applied. */
  notes?: string[];
  /**
   * False when the step is in place but cannot protect the pod (NiFi never reads what was wired, the
   * selectors can never match): the status annotation then reads `<feature>=ineffective`.
   */
  effective?: boolean;
}

/** The status annotation's value for one step. */
export function statusOf(s: StepOutcome): string {
  if (s.state === 'skipped') return `${s.feature}=skipped`;
  return `${s.feature}=${s.effective === false ? 'ineffective' : s.detail}`;
}
