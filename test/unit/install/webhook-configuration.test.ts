import { expect } from 'chai';
import fc from 'fast-check';
import { mutatingWebhookConfiguration, webhookSelectors, type WebhookSelector } from '../../../src/install/webhook-configuration.js';
import { selectorMatches } from '../../../src/policy/match.js';
import { DEFAULT_SPEC } from '../../../src/policy/defaults.js';
import type { LabelSelector } from '../../../src/policy/types.js';

type Want = { name: string | RegExp; objectSelector: LabelSelector };

const In = (key: string, ...values: string[]): LabelSelector => ({ matchExpressions: [{ key, operator: 'In', values }] });

/** A fully qualified DNS subdomain, as the API server wants webhook names; each label at most 63. */
function expectValidName(name: string): void {
  expect(name).to.match(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?){2,}$/);
  expect(name.length).to.be.at.most(253);
  for (const label of name.split('.')) expect(label.length, name).to.be.at.most(63);
}

const anyWebhookSelects = (entries: readonly WebhookSelector[], labels: Record<string, string>): boolean =>
  entries.some((e) => selectorMatches(e.objectSelector, labels));
const policySelects = (selectors: readonly LabelSelector[], labels: Record<string, string>): boolean =>
  selectors.some((s) => selectorMatches(s, labels));

describe('install: webhook entries from the policy selectors', () => {
  const cases: Array<{ name: string; selectors: LabelSelector[]; want: Want[] }> = [
    {
      name: "the default policy: today's two webhooks, one per label key",
      selectors: [...DEFAULT_SPEC.nifi.selectors, ...DEFAULT_SPEC.ca.selectors],
      want: [
        { name: 'pods-app.nifi-ca-guard.io', objectSelector: In('app', 'nifi', 'nifi-ca') },
        { name: 'pods-app-name.nifi-ca-guard.io', objectSelector: In('app.kubernetes.io/name', 'nifi', 'nifi-ca') },
      ],
    },
    {
      name: 'cetic/helm-nifi 0.7 (app and release): one webhook per selector, kept whole',
      selectors: [{ matchLabels: { app: 'nifi', release: 'nifi' } }, { matchLabels: { app: 'ca-ca', release: 'nifi' } }],
      want: [
        { name: 'pods-app-nifi-release-nifi.nifi-ca-guard.io', objectSelector: { matchLabels: { app: 'nifi', release: 'nifi' } } },
        { name: 'pods-app-ca-ca-release-nifi.nifi-ca-guard.io', objectSelector: { matchLabels: { app: 'ca-ca', release: 'nifi' } } },
      ],
    },
    {
      name: 'duplicates (also with labels, expressions or values in another order) are one webhook',
      selectors: [
        { matchLabels: { app: 'nifi' } },
        { matchLabels: { app: 'nifi' } },
        { matchLabels: { app: 'nifi', release: 'r' } },
        { matchLabels: { release: 'r', app: 'nifi' } },
        { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }, { key: 'x', operator: 'Exists' }] },
        { matchExpressions: [{ key: 'x', operator: 'Exists' }, { key: 'tier', operator: 'In', values: ['b', 'a', 'a'] }] },
      ],
      want: [
        { name: 'pods-app.nifi-ca-guard.io', objectSelector: In('app', 'nifi') },
        { name: 'pods-app-nifi-release-r.nifi-ca-guard.io', objectSelector: { matchLabels: { app: 'nifi', release: 'r' } } },
        {
          name: 'pods-tier-in-a-b-x-exists.nifi-ca-guard.io',
          objectSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }, { key: 'x', operator: 'Exists' }] },
        },
      ],
    },
    {
      name: 'matchExpressions selectors are kept whole, one webhook each, single-key labels still grouped',
      selectors: [
        { matchLabels: { app: 'nifi' } },
        { matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values: ['nifi', 'ca'] }] },
        { matchLabels: { app: 'nifi' }, matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] },
        { matchLabels: { app: 'nifi-ca' } },
        { matchExpressions: [{ key: 'example.com/role', operator: 'NotIn', values: ['x'] }, { key: 'example.com/role', operator: 'Exists' }] },
      ],
      want: [
        { name: 'pods-app.nifi-ca-guard.io', objectSelector: In('app', 'nifi', 'nifi-ca') },
        { name: 'pods-app-component-in-ca-nifi.nifi-ca-guard.io', objectSelector: In('app.kubernetes.io/component', 'nifi', 'ca') },
        {
          name: 'pods-app-nifi-canary-doesnotexist.nifi-ca-guard.io',
          objectSelector: { matchLabels: { app: 'nifi' }, matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] },
        },
        {
          name: 'pods-example-com-role-exists-example-com-role-notin-x.nifi-ca-guard.io',
          objectSelector: { matchExpressions: [{ key: 'example.com/role', operator: 'NotIn', values: ['x'] }, { key: 'example.com/role', operator: 'Exists' }] },
        },
      ],
    },
    {
      name: 'keys that read alike (app.kubernetes.io/name, app-name, App_Name) each get a suffix from their own selector',
      selectors: [{ matchLabels: { 'app.kubernetes.io/name': 'nifi' } }, { matchLabels: { 'app-name': 'nifi' } }, { matchLabels: { App_Name: 'nifi' } }],
      want: [
        { name: /^pods-app-name-[0-9a-f]{8}\.nifi-ca-guard\.io$/, objectSelector: In('app.kubernetes.io/name', 'nifi') },
        { name: /^pods-app-name-[0-9a-f]{8}\.nifi-ca-guard\.io$/, objectSelector: In('app-name', 'nifi') },
        { name: /^pods-app-name-[0-9a-f]{8}\.nifi-ca-guard\.io$/, objectSelector: In('App_Name', 'nifi') },
      ],
    },
    {
      name: 'a selector too long for one DNS label is cut and made unique by its hash',
      selectors: [{ matchLabels: { 'app.kubernetes.io/instance': 'a-very-long-release-name-of-nifi', 'app.kubernetes.io/component': 'certificate-authority' } }],
      want: [
        {
          name: /^pods-app-component-certificate-authority-app-instance-[0-9a-f]{8}\.nifi-ca-guard\.io$/,
          objectSelector: { matchLabels: { 'app.kubernetes.io/instance': 'a-very-long-release-name-of-nifi', 'app.kubernetes.io/component': 'certificate-authority' } },
        },
      ],
    },
  ];

  for (const c of cases) {
    describe(c.name, () => {
      const got = webhookSelectors(c.selectors);

      it('the expected entries, in the order the policy names them', () => {
        expect(got.map((e) => e.objectSelector)).to.deep.equal(c.want.map((w) => w.objectSelector));
        got.forEach((e, i) => {
          const want = c.want[i]!.name;
          if (typeof want === 'string') expect(e.name).to.equal(want);
          else expect(e.name).to.match(want);
        });
      });

      it('names are unique, valid and the same for the selectors in any order', () => {
        expect(new Set(got.map((e) => e.name)).size).to.equal(got.length);
        for (const e of got) expectValidName(e.name);
        const reversed = webhookSelectors([...c.selectors].reverse());
        expect(reversed.map((e) => e.name).sort()).to.deep.equal(got.map((e) => e.name).sort());
      });

      it('selects exactly the pods the policy selects', () => {
        const keys = [...new Set(c.selectors.flatMap((s) => [...Object.keys(s.matchLabels ?? {}), ...(s.matchExpressions ?? []).map((e) => e.key)]))];
        const values = [...new Set(c.selectors.flatMap((s) => [...Object.values(s.matchLabels ?? {}), ...(s.matchExpressions ?? []).flatMap((e) => e.values ?? [])])), 'other'];
        // Every label set over the selectors' keys with one or two of their values (and an unrelated one).
        const labelSets: Record<string, string>[] = [{}];
        for (const k of keys) {
          for (const set of [...labelSets]) for (const v of values) labelSets.push({ ...set, [k]: v });
          if (labelSets.length > 5000) break;
        }
        let selected = 0;
        for (const labels of labelSets) {
          const want = policySelects(c.selectors, labels);
          expect(anyWebhookSelects(got, labels), JSON.stringify(labels)).to.equal(want);
          if (want) selected++;
        }
        expect(selected, 'some label sets are selected').to.be.greaterThan(0);
      });
    });
  }

  it('property: for any selectors, the entries select exactly what the policy selects, with unique valid names', () => {
    const key = fc.constantFrom('app', 'app.kubernetes.io/name', 'app-name', 'release', 'App_Name', 'example.com/role');
    const value = fc.constantFrom('nifi', 'nifi-ca', 'ca-ca', 'x', '');
    const requirement = fc.oneof(
      fc.record({ key, operator: fc.constantFrom('In' as const, 'NotIn' as const), values: fc.array(value.filter((v) => v !== ''), { minLength: 1, maxLength: 3 }) }),
      fc.record({ key, operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const) }),
    );
    const selector: fc.Arbitrary<LabelSelector> = fc
      .record({ matchLabels: fc.option(fc.dictionary(key, value, { minKeys: 1, maxKeys: 3 }), { nil: undefined }), matchExpressions: fc.option(fc.array(requirement, { minLength: 1, maxLength: 2 }), { nil: undefined }) })
      .filter((s) => s.matchLabels !== undefined || s.matchExpressions !== undefined)
      .map((s) => Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as LabelSelector);
    const labels = fc.dictionary(key, value, { maxKeys: 4 });
    fc.assert(
      fc.property(fc.array(selector, { minLength: 1, maxLength: 8 }), fc.array(labels, { minLength: 1, maxLength: 30 }), (selectors, labelSets) => {
        const got = webhookSelectors(selectors);
        expect(new Set(got.map((e) => e.name)).size).to.equal(got.length);
        for (const e of got) expectValidName(e.name);
        for (const l of labelSets) expect(anyWebhookSelects(got, l), JSON.stringify({ selectors, l })).to.equal(policySelects(selectors, l));
      }),
      { numRuns: 300 },
    );
  });

  describe('every webhook entry keeps the settings the design asks for', () => {
    for (const namespace of ['nifi-ca-guard', 'nifi-system', 'kube-system']) {
      it(`namespace ${namespace}`, () => {
        const mwc = mutatingWebhookConfiguration([{ matchLabels: { app: 'nifi' } }, { matchLabels: { app: 'nifi', release: 'r' } }], namespace);
        expect(mwc.metadata).to.deep.equal({ name: 'nifi-ca-guard', labels: { 'app.kubernetes.io/name': 'nifi-ca-guard' } });
        const webhooks = mwc.webhooks as Array<Record<string, unknown>>;
        expect(webhooks).to.have.length(2);
        for (const w of webhooks) {
          const { name: _name, objectSelector: _selector, ...settings } = w;
          expect(settings, String(w.name)).to.deep.equal({
            admissionReviewVersions: ['v1'],
            sideEffects: 'None',
            timeoutSeconds: 5,
            reinvocationPolicy: 'IfNeeded',
            failurePolicy: 'Fail',
            matchPolicy: 'Equivalent',
            clientConfig: { service: { name: 'nifi-ca-guard', namespace, path: '/mutate', port: 443 } },
            rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: 'Namespaced' }],
            namespaceSelector: {
              matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...new Set(['kube-system', 'kube-node-lease', namespace])] }],
            },
          });
        }
      });
    }
  });
});
