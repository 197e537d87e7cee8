import type { LabelSelector, LabelSelectorRequirement, SelectorOperator } from './types.js';
import { isJson } from '../json.js';
import { labelKeyProblem, labelValueProblem, unknownKeys, type Issues } from './fields.js';

const OPERATORS: readonly SelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** Validates a list of LabelSelectors; an empty selector would match every pod, so it is refused. */
export function parseSelectors(v: unknown, path: string, issues: Issues, fallback: readonly LabelSelector[]): LabelSelector[] {
  if (v === undefined) return fallback.map((s) => structuredClone(s));
  if (!Array.isArray(v) || v.length === 0) {
    issues.push(`${path}: must be a non-empty list of label selectors`);
    return [];
  }
  return v.map((item, i) => parseSelector(item, `${path}[${i}]`, issues));
}

function parseSelector(v: unknown, path: string, issues: Issues): LabelSelector {
  if (!isJson(v)) {
    issues.push(`${path}: must be an object with matchLabels and/or matchExpressions`);
    return {};
  }
  unknownKeys(v, ['matchLabels', 'matchExpressions'], path, issues);
  const out: LabelSelector = {};
  if (v.matchLabels !== undefined) {
    if (!isJson(v.matchLabels)) issues.push(`${path}.matchLabels: must be a map of label keys to values`);
    else {
      const labels: Record<string, string> = {};
      for (const [key, value] of Object.entries(v.matchLabels)) {
        const p = `${path}.matchLabels[${JSON.stringify(key)}]`;
        const keyProblem = labelKeyProblem(key);
        if (keyProblem) issues.push(`${p}: invalid label key: ${keyProblem}`);
        if (typeof value !== 'string') issues.push(`${p}: value must be a string`);
        else {
          const valueProblem = labelValueProblem(value);
          if (valueProblem) issues.push(`${p}: invalid label value: ${valueProblem}`);
          labels[key] = value;
        }
      }
      if (Object.keys(labels).length > 0) out.matchLabels = labels;
    }
  }
  if (v.matchExpressions !== undefined) {
    if (!Array.isArray(v.matchExpressions)) issues.push(`${path}.matchExpressions: must be a list`);
    else {
      const exprs = v.matchExpressions.map((e, i) => parseRequirement(e, `${path}.matchExpressions[${i}]`, issues));
      if (exprs.length > 0) out.matchExpressions = exprs;
    }
  }
  if (!out.matchLabels && !out.matchExpressions) {
    issues.push(`${path}: must not be empty: an empty selector matches every pod`);
  }
  return out;
}

function parseRequirement(v: unknown, path: string, issues: Issues): LabelSelectorRequirement {
  if (!isJson(v)) {
    issues.push(`${path}: must be an object with key, operator and values`);
    return { key: '', operator: 'Exists' };
  }
  unknownKeys(v, ['key', 'operator', 'values'], path, issues);
  const key = typeof v.key === 'string' ? v.key : '';
  const keyProblem = typeof v.key === 'string' ? labelKeyProblem(v.key) : 'must be a string';
  if (keyProblem) issues.push(`${path}.key: ${keyProblem}`);
  const operator = v.operator as SelectorOperator;
  if (typeof v.operator !== 'string' || !OPERATORS.includes(operator)) {
    issues.push(`${path}.operator: must be one of ${OPERATORS.join(', ')}`);
    return { key, operator: 'Exists' };
  }
  const needsValues = operator === 'In' || operator === 'NotIn';
  if (v.values !== undefined && !(Array.isArray(v.values) && v.values.every((x) => typeof x === 'string'))) {
    issues.push(`${path}.values: must be a list of strings`);
    return { key, operator };
  }
  const values = (v.values as string[] | undefined) ?? [];
  if (needsValues && values.length === 0) issues.push(`${path}.values: must be non-empty for operator ${operator}`);
  if (!needsValues && values.length > 0) issues.push(`${path}.values: must be empty for operator ${operator}`);
  values.forEach((value, i) => {
    const problem = labelValueProblem(value);
    if (problem) issues.push(`${path}.values[${i}]: invalid label value: ${problem}`);
  });
  return needsValues ? { key, operator, values: [...values] } : { key, operator };
}
