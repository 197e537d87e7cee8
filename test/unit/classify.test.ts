import { expect } from 'chai';
import { classify } from '../../src/mutation/classify.js';
import { selectorMatches } from '../../src/policy/match.js';
import { builtinPolicy } from '../../src/policy/load.js';
import type { LabelSelector, Policy } from '../../src/policy/types.js';
import { validatePolicy } from '../../src/policy/validate.js';

function policy(spec: unknown): Policy {
  const r = validatePolicy({ apiVersion: 'nifi-ca-guard.io/v1alpha1', kind: 'NiFiTrustPolicy', metadata: { name: 't' }, spec });
  if (!r.ok) throw new Error(r.issues.join('; '));
  return r.policy;
}

describe('label selectors', () => {
  const cases: Array<{ name: string; selector: LabelSelector; labels: Record<string, string>; match: boolean }> = [
    { name: 'matchLabels hit', selector: { matchLabels: { app: 'nifi' } }, labels: { app: 'nifi', x: 'y' }, match: true },
    { name: 'matchLabels miss', selector: { matchLabels: { app: 'nifi' } }, labels: { app: 'nifi-ca' }, match: false },
    { name: 'matchLabels all required', selector: { matchLabels: { app: 'nifi', tier: 'a' } }, labels: { app: 'nifi' }, match: false },
    { name: 'In hit', selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'nifi'] }] }, labels: { app: 'nifi' }, match: true },
    { name: 'In on missing key', selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['nifi'] }] }, labels: {}, match: false },
    { name: 'NotIn on missing key', selector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['nifi'] }] }, labels: {}, match: true },
    { name: 'NotIn excluded', selector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['nifi'] }] }, labels: { app: 'nifi' }, match: false },
    { name: 'Exists', selector: { matchExpressions: [{ key: 'example.com/role', operator: 'Exists' }] }, labels: { 'example.com/role': '' }, match: true },
    { name: 'DoesNotExist', selector: { matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] }, labels: { canary: 'true' }, match: false },
    {
      name: 'labels and expressions together',
      selector: { matchLabels: { app: 'nifi' }, matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'NotIn', values: ['registry'] }] },
      labels: { app: 'nifi', 'app.kubernetes.io/component': 'registry' },
      match: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => expect(selectorMatches(c.selector, c.labels)).to.equal(c.match));
  }
});

describe('classification', () => {
  const cases: Array<{ name: string; labels: Record<string, string>; namespace?: string; policy?: Policy; role: string; reason: RegExp }> = [
    { name: 'app=nifi', labels: { app: 'nifi' }, role: 'nifi', reason: /spec\.nifi\.selectors\[0\]/ },
    { name: 'recommended label nifi', labels: { 'app.kubernetes.io/name': 'nifi' }, role: 'nifi', reason: /spec\.nifi\.selectors\[1\]/ },
    { name: 'app=nifi-ca', labels: { app: 'nifi-ca' }, role: 'nifi-ca', reason: /spec\.ca\.selectors\[0\]/ },
    { name: 'recommended label nifi-ca', labels: { 'app.kubernetes.io/name': 'nifi-ca' }, role: 'nifi-ca', reason: /spec\.ca\.selectors\[1\]/ },
    { name: 'unrelated', labels: { app: 'web' }, role: 'none', reason: /match no/ },
    { name: 'no labels', labels: {}, role: 'none', reason: /match no/ },
    { name: 'both roles', labels: { app: 'nifi', 'app.kubernetes.io/name': 'nifi-ca' }, role: 'none', reason: /both/ },
    { name: 'namespace glob hit', labels: { app: 'nifi' }, namespace: 'prod-eu', policy: policy({ namespaces: ['prod-*'] }), role: 'nifi', reason: /selectors/ },
    { name: 'namespace glob miss', labels: { app: 'nifi' }, namespace: 'staging', policy: policy({ namespaces: ['prod-*'] }), role: 'none', reason: /outside policy t/ },
    { name: 'question-mark glob', labels: { app: 'nifi-ca' }, namespace: 'nifi2', policy: policy({ namespaces: ['nifi?'] }), role: 'nifi-ca', reason: /selectors/ },
    {
      name: 'custom expression selector',
      labels: { 'example.com/stack': 'nifi', tier: 'ca' },
      policy: policy({ ca: { selectors: [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['ca'] }] }] }, nifi: { selectors: [{ matchLabels: { tier: 'node' } }] } }),
      role: 'nifi-ca',
      reason: /spec\.ca\.selectors\[0\]/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = classify(c.labels, c.namespace ?? 'nifi', c.policy ?? builtinPolicy());
      expect(r.role).to.equal(c.role);
      expect(r.reason).to.match(c.reason);
      expect(r.ambiguous).to.equal(c.name === 'both roles');
    });
  }
});
