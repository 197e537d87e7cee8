import { expect } from 'chai';
import type { LabelSelector } from '../../../src/policy/types.js';
import { formatLabels, formatSelector, formatSelectors } from '../../../src/preview/selectors.js';

// The strings kubectl prints for the same selectors (metav1.FormatLabelSelector, labels.FormatLabels).
describe('preview: selectors and labels in kubectl form', () => {
  const selectors: Array<{ name: string; selector: LabelSelector; text: string }> = [
    { name: 'one matchLabel', selector: { matchLabels: { app: 'nifi' } }, text: 'app=nifi' },
    { name: 'matchLabels sorted by key', selector: { matchLabels: { release: 'nifi', app: 'ca-ca' } }, text: 'app=ca-ca,release=nifi' },
    { name: 'In, values sorted', selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['nifi', 'ca'] }] }, text: 'app in (ca,nifi)' },
    { name: 'NotIn', selector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['registry'] }] }, text: 'tier notin (registry)' },
    { name: 'Exists', selector: { matchExpressions: [{ key: 'example.com/nifi', operator: 'Exists' }] }, text: 'example.com/nifi' },
    { name: 'DoesNotExist', selector: { matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] }, text: '!canary' },
    {
      name: 'labels and expressions interleaved by key',
      selector: { matchLabels: { release: 'nifi', app: 'nifi' }, matchExpressions: [{ key: 'component', operator: 'In', values: ['node'] }, { key: 'zone', operator: 'Exists' }] },
      text: 'app=nifi,component in (node),release=nifi,zone',
    },
    {
      name: 'two requirements on one key keep their order',
      selector: { matchExpressions: [{ key: 'app', operator: 'Exists' }, { key: 'app', operator: 'NotIn', values: ['x'] }] },
      text: 'app,app notin (x)',
    },
    { name: 'empty (never valid in a policy)', selector: {}, text: '<none>' },
  ];
  for (const c of selectors) it(`selector: ${c.name}`, () => expect(formatSelector(c.selector)).to.equal(c.text));

  it('a list of selectors is joined by " | "', () => {
    expect(formatSelectors([{ matchLabels: { app: 'nifi' } }, { matchLabels: { 'app.kubernetes.io/name': 'nifi' } }])).to.equal('app=nifi | app.kubernetes.io/name=nifi');
  });

  const labels: Array<{ labels: Record<string, string>; text: string }> = [
    { labels: { release: 'nifi', app: 'ca-ca' }, text: 'app=ca-ca,release=nifi' },
    { labels: { 'app.kubernetes.io/name': 'x', a: '' }, text: 'a=,app.kubernetes.io/name=x' },
    { labels: {}, text: '<none>' },
  ];
  for (const c of labels) it(`labels: ${c.text}`, () => expect(formatLabels(c.labels)).to.equal(c.text));
});
