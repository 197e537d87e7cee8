// explain's two outputs: text for people, and JSON for scripts (the shape README documents; `version`
// changes only when a field is removed or changes meaning).
import type { Explanation } from './explain.js';
import type { FeatureView } from './features.js';

export const JSON_VERSION = 1;

export function renderJson(items: readonly Explanation[], notes: readonly string[]): string {
  return `${JSON.stringify({ version: JSON_VERSION, notes, items }, null, 2)}\n`;
}

const DECISION: Record<Explanation['decision'], string> = {
  mutated: 'mutated at admission',
  unchanged: 'unchanged: everything is already in place',
  audit: 'audit only: warned, not mutated (spec.enforcement: audit)',
  'opt-out': 'opted out: not mutated (nifi-ca-guard.io/skip, allowed by the policy)',
  conflict: 'not mutated: policies conflict over the namespace',
  ambiguous: 'not mutated: its labels match both roles',
  none: 'not mutated: no role',
};

export function renderText(items: readonly Explanation[], notes: readonly string[]): string {
  const out: string[] = notes.map((n) => `note: ${n}`);
  if (out.length > 0) out.push('');
  items.forEach((e, i) => {
    if (i > 0) out.push('');
    out.push(...explanationLines(e));
  });
  return `${out.join('\n')}\n`;
}

function explanationLines(e: Explanation): string[] {
  const lines = [`${e.object} (namespace ${e.namespace})`];
  const name = e.policy.source === 'conflict' ? `Conflict (${e.policy.claimedBy.join(', ')})` : e.policy.source === 'cluster' ? `NiFiTrustPolicy ${e.policy.name}` : String(e.policy.name);
  lines.push(`  policy:    ${name}`, `             ${e.policy.why}`);
  lines.push(`  role:      ${e.role}: ${e.reason}`);
  lines.push(`  decision:  ${DECISION[e.decision]}`);
  if (e.features.length > 0) {
    lines.push('  features:');
    const width = Math.max(...e.features.map((f) => f.feature.length));
    for (const f of e.features) lines.push(`    ${f.feature.padEnd(width)}  ${featureLine(f, e.decision)}`);
  }
  lines.push(e.warnings.length > 0 ? '  warnings at admission:' : '  warnings at admission: none');
  for (const w of e.warnings) lines.push(`    Warning: ${w}`);
  lines.push(e.facts.checked ? `  cluster facts: ${factsLine(e)}` : `  ${e.facts.notes.join('; ')}`);
  for (const n of e.facts.checked ? e.facts.notes : []) lines.push(`    ${n}`);
  lines.push(...driftLines(e));
  return lines;
}

function featureLine(f: FeatureView, decision: Explanation['decision']): string {
  const detail = f.detail ? ` (${f.detail}${f.effective ? '' : ', ineffective'})` : '';
  switch (f.state) {
    case 'add':
      return `${decision === 'mutated' ? 'would be added' : 'would be added, not applied'}${detail}`;
    case 'present':
      return `present${detail}`;
    case 'drifted':
      return `drifted${detail}: see drift`;
    case 'skipped':
      return `skipped: ${f.why}`;
    case 'not-applicable':
      return `not applicable: ${f.why}`;
  }
}

function factsLine(e: Explanation): string {
  const f = e.facts;
  const known = (n: number | null, what: string) => (n === null ? `${what} not known` : `${n} ${what}`);
  const secrets = Object.entries(f.secrets).map(([name, s]) => `Secret ${name} ${s === null ? 'not known' : s ? 'exists' : 'missing'}`);
  return [known(f.nodes, 'nodes'), known(f.pods, `other pods in ${e.namespace}`), ...secrets].join(', ');
}

function driftLines(e: Explanation): string[] {
  const d = e.drift;
  if (!d.checked) return [`  drift:     not checked: ${d.why}`];
  const lines = [`  drift:     ${d.drifted ? 'DRIFTED' : 'in step'}${d.admitted ? ` (admitted under ${d.admitted.policy ?? '?'} as ${d.admitted.role ?? '?'}: ${d.admitted.status})` : ''}`];
  for (const x of d.differences) lines.push(`    ${x}`);
  for (const f of d.features) {
    lines.push(`    ${f.feature}: ${f.state}`);
    for (const x of f.differences) lines.push(`      ${x}`);
  }
  if (d.action) lines.push(`    to fix: ${d.action}`);
  return lines;
}
