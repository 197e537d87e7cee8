// The planner that keeps the webhook configuration in step with the policies: a table of policy sets
// against a live configuration (the install's own, as `manifests` renders it, with a caBundle set), and
// for every row the invariants: a pod any policy governs reaches the webhook, planning again writes
// nothing, and the install's settings are copied, never invented.
import { expect } from 'chai';
import { mutatingWebhookConfiguration } from '../../../src/install/webhook-configuration.js';
import type { Json } from '../../../src/json.js';
import { MAX_ENTRIES, planWebhooks, type WebhookPlanInput } from '../../../src/cluster/webhook-plan.js';
import { builtinPolicy } from '../../../src/policy/load.js';
import { namespaceSelected, selectorMatches } from '../../../src/policy/match.js';
import type { PolicySet } from '../../../src/policy/policy-set.js';
import type { LabelSelector, Policy } from '../../../src/policy/types.js';
import { DEFAULT_SPEC } from '../../../src/policy/defaults.js';
import { policyWith } from '../../support/policy.js';

const OWN_NS = 'nifi-ca-guard';
const CA_BUNDLE = Buffer.from('-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n').toString('base64');
const NAME_KEY = 'kubernetes.io/metadata.name';
const EXCLUDED = ['kube-system', 'kube-node-lease', OWN_NS];

/** The install's entries for the default policy, as the API server returns them after the CA was set. */
function installed(): Json[] {
  const webhooks = mutatingWebhookConfiguration([...DEFAULT_SPEC.nifi.selectors, ...DEFAULT_SPEC.ca.selectors], OWN_NS).webhooks as Json[];
  for (const w of webhooks) (w.clientConfig as Json).caBundle = CA_BUNDLE;
  return webhooks;
}

const fallback = builtinPolicy();
const set = (...cluster: Policy[]): PolicySet => ({ fallback, cluster: [...cluster].sort((a, b) => a.name.localeCompare(b.name)) });
const CETIC = policyWith(
  { namespaces: ['nifi'], nifi: { selectors: [{ matchLabels: { app: 'nifi', release: 'nifi' } }] }, ca: { selectors: [{ matchLabels: { app: 'ca-ca', release: 'nifi' } }] } },
  'cetic',
);
const team = (name: string, namespaces: string[], value = name): Policy =>
  policyWith({ namespaces, nifi: { selectors: [{ matchLabels: { team: value, role: 'nifi' } }] }, ca: { selectors: [{ matchLabels: { team: value, role: 'ca' } }] } }, name);
const shared = (name: string, namespaces: string[]): Policy =>
  policyWith({ namespaces, nifi: { selectors: [{ matchLabels: { tier: 'nifi', stack: 'data' } }] }, ca: { selectors: [{ matchLabels: { tier: 'ca', stack: 'data' } }] } }, name);

const notIn = (values: string[] = EXCLUDED) => ({ key: NAME_KEY, operator: 'NotIn', values });
const nsIn = (...values: string[]) => ({ key: NAME_KEY, operator: 'In', values });
const entry = (webhooks: Json[], name: string): Json | undefined => webhooks.find((w) => w.name === name);
const names = (webhooks: Json[]): string[] => webhooks.map((w) => w.name as string);

interface Case {
  name: string;
  live?: () => Json[];
  policies: PolicySet;
  namespaceNames?: boolean;
  want: {
    write: boolean;
    names?: string[];
    added?: string[];
    removed?: string[];
    changed?: string[];
    /** Per entry name: its namespaceSelector's matchExpressions. */
    namespaces?: Record<string, unknown[]>;
    objectSelectors?: Record<string, LabelSelector>;
    problem?: RegExp;
  };
}

const DEFAULT_NAMES = ['pods-app.nifi-ca-guard.io', 'pods-app-name.nifi-ca-guard.io'];
const CETIC_NAMES = ['pods-app-ca-ca-release-nifi.nifi-ca-guard.io', 'pods-app-nifi-release-nifi.nifi-ca-guard.io'];

const cases: Case[] = [
  {
    name: "the install's own policy alone: the configuration is already right, nothing is written",
    policies: set(),
    want: { write: false, names: DEFAULT_NAMES, added: [], removed: [], changed: [] },
  },
  {
    name: 'the cetic recipe as a cluster policy: its two entries are added after the install\'s, sorted, narrowed to its namespace',
    policies: set(CETIC),
    want: {
      write: true,
      names: [...DEFAULT_NAMES, ...CETIC_NAMES],
      added: CETIC_NAMES,
      removed: [],
      changed: [],
      namespaces: { [CETIC_NAMES[0]!]: [notIn(), nsIn('nifi')], [CETIC_NAMES[1]!]: [notIn(), nsIn('nifi')], [DEFAULT_NAMES[0]!]: [notIn()] },
      objectSelectors: { [CETIC_NAMES[0]!]: { matchLabels: { app: 'ca-ca', release: 'nifi' } } },
    },
  },
  {
    name: 'the cetic policy deleted: its entries go, the install\'s stay as they are',
    live: () => planWebhooks({ live: installed(), policies: set(CETIC), namespace: OWN_NS, namespaceNames: true }).webhooks,
    policies: set(),
    want: { write: true, names: DEFAULT_NAMES, added: [], removed: CETIC_NAMES, changed: [] },
  },
  {
    name: 'Kubernetes 1.20 (namespaces not labelled with their name): never narrowed, exclusions only',
    policies: set(CETIC),
    namespaceNames: false,
    want: { write: true, added: CETIC_NAMES, namespaces: { [CETIC_NAMES[0]!]: [notIn()], [CETIC_NAMES[1]!]: [notIn()] } },
  },
  {
    name: 'a policy naming a glob: its entries are not narrowed (a selector cannot say prod-*)',
    policies: set(team('a', ['prod-*', 'staging'])),
    want: { write: true, namespaces: { 'pods-role-ca-team-a.nifi-ca-guard.io': [notIn()], 'pods-role-nifi-team-a.nifi-ca-guard.io': [notIn()] } },
  },
  {
    name: 'a policy naming no namespace (all): its entries go everywhere but the exclusions',
    policies: set(team('a', [])),
    want: { write: true, namespaces: { 'pods-role-ca-team-a.nifi-ca-guard.io': [notIn()] } },
  },
  {
    name: 'two policies with the same selectors share the entries, narrowed to both namespace lists (sorted, once each)',
    policies: set(shared('x', ['zeta', 'alpha']), shared('y', ['mid', 'alpha'])),
    want: {
      write: true,
      added: ['pods-stack-data-tier-ca.nifi-ca-guard.io', 'pods-stack-data-tier-nifi.nifi-ca-guard.io'],
      namespaces: { 'pods-stack-data-tier-nifi.nifi-ca-guard.io': [notIn(), nsIn('alpha', 'mid', 'zeta')] },
    },
  },
  {
    name: 'two policies sharing entries, one naming a glob: not narrowed',
    policies: set(shared('x', ['alpha']), shared('y', ['team-*'])),
    want: { write: true, namespaces: { 'pods-stack-data-tier-nifi.nifi-ca-guard.io': [notIn()] } },
  },
  {
    name: "a single-label selector joins the install's entry for that key; the fallback (all namespaces) keeps it unnarrowed",
    policies: set(policyWith({ namespaces: ['blue'], nifi: { selectors: [{ matchLabels: { app: 'blue-nifi' } }] }, ca: { selectors: [{ matchLabels: { app: 'blue-ca' } }] } }, 'blue')),
    want: {
      write: true,
      names: DEFAULT_NAMES,
      added: [],
      changed: ['pods-app.nifi-ca-guard.io'],
      objectSelectors: { 'pods-app.nifi-ca-guard.io': { matchExpressions: [{ key: 'app', operator: 'In', values: ['blue-ca', 'blue-nifi', 'nifi', 'nifi-ca'] }] } },
      namespaces: { 'pods-app.nifi-ca-guard.io': [notIn()] },
    },
  },
  {
    name: 'a Helm upgrade reset the entries: the followed ones are put back',
    live: installed,
    policies: set(policyWith({ namespaces: ['blue'], nifi: { selectors: [{ matchLabels: { app: 'blue-nifi' } }] }, ca: { selectors: [{ matchLabels: { team: 'blue' } }] } }, 'blue')),
    want: { write: true, added: ['pods-team.nifi-ca-guard.io'], changed: ['pods-app.nifi-ca-guard.io'], namespaces: { 'pods-team.nifi-ca-guard.io': [notIn(), nsIn('blue')] } },
  },
  {
    name: 'a narrowing from before is replaced when the policy names other namespaces',
    live: () => planWebhooks({ live: installed(), policies: set(team('a', ['old'])), namespace: OWN_NS, namespaceNames: true }).webhooks,
    policies: set(team('a', ['new'])),
    want: {
      write: true,
      added: [],
      removed: [],
      changed: ['pods-role-ca-team-a.nifi-ca-guard.io', 'pods-role-nifi-team-a.nifi-ca-guard.io'],
      namespaces: { 'pods-role-ca-team-a.nifi-ca-guard.io': [notIn(), nsIn('new')] },
    },
  },
  {
    name: "the chart's opt-in matchLabels and its own exclusions are kept, in its order; the required ones are added",
    live: () =>
      installed().map((w) => ({
        ...w,
        namespaceSelector: { matchLabels: { 'nifi-ca-guard.io/enabled': 'true' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }, notIn(['legacy', 'kube-system'])] },
      })),
    policies: set(CETIC),
    want: {
      write: true,
      changed: DEFAULT_NAMES,
      namespaces: {
        [DEFAULT_NAMES[0]!]: [{ key: 'tier', operator: 'Exists' }, notIn(['legacy', 'kube-system', 'kube-node-lease', OWN_NS])],
        [CETIC_NAMES[0]!]: [{ key: 'tier', operator: 'Exists' }, notIn(['legacy', 'kube-system', 'kube-node-lease', OWN_NS]), nsIn('nifi')],
      },
    },
  },
  {
    name: 'an objectSelector meaning the same, written in another order, is left as written',
    live: () => installed().map((w) => (w.name === DEFAULT_NAMES[0] ? { ...w, objectSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['nifi-ca', 'nifi', 'nifi'] }] } } : w)),
    policies: set(),
    want: { write: false, changed: [] },
  },
  {
    name: "an install entry the policies no longer select (the old `app: ca-ca` special case) is dropped",
    live: () => installed().map((w) => (w.name === DEFAULT_NAMES[0] ? { ...w, objectSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['ca-ca', 'nifi', 'nifi-ca'] }] } } : w)),
    policies: set(),
    want: { write: true, changed: [DEFAULT_NAMES[0]!], objectSelectors: { [DEFAULT_NAMES[0]!]: { matchExpressions: [{ key: 'app', operator: 'In', values: ['nifi', 'nifi-ca'] }] } } },
  },
  {
    name: `more than ${MAX_ENTRIES} entries: nothing is written, and the problem says why`,
    policies: set(...Array.from({ length: MAX_ENTRIES }, (_, i) => team(`t${String(i).padStart(2, '0')}`, [`ns${i}`]))),
    want: { write: false, names: DEFAULT_NAMES, problem: new RegExp(`need ${2 * MAX_ENTRIES + 2} webhook entries, more than ${MAX_ENTRIES}`) },
  },
  {
    name: 'a configuration without entries: no settings to copy, nothing is written',
    live: () => [],
    policies: set(CETIC),
    want: { write: false, names: [], problem: /no entry to copy/ },
  },
];

function input(c: Case): WebhookPlanInput {
  return { live: (c.live ?? installed)(), policies: c.policies, namespace: OWN_NS, namespaceNames: c.namespaceNames ?? true };
}

/** Kubernetes' namespaceSelector semantics, for a namespace labelled with its name (1.21+). */
function sends(w: Json, namespace: string, labels: Record<string, string>): boolean {
  return selectorMatches(w.namespaceSelector as LabelSelector, { [NAME_KEY]: namespace, 'nifi-ca-guard.io/enabled': 'true', tier: 'x' }) && selectorMatches(w.objectSelector as LabelSelector, labels);
}

/** A pod's labels that a selector selects (one value of each In). */
const labelsFor = (s: LabelSelector): Record<string, string> => ({ ...s.matchLabels, ...Object.fromEntries((s.matchExpressions ?? []).filter((e) => e.operator === 'In').map((e) => [e.key, e.values![0]!])) });

describe('cluster/webhook-plan: the webhook configuration follows the policies', () => {
  for (const c of cases) {
    it(c.name, () => {
      const i = input(c);
      const plan = planWebhooks(i);
      expect(plan.write, 'write').to.equal(c.want.write);
      if (c.want.names) expect(names(plan.webhooks)).to.deep.equal(c.want.names);
      if (c.want.added) expect(plan.added, 'added').to.deep.equal(c.want.added);
      if (c.want.removed) expect(plan.removed, 'removed').to.deep.equal(c.want.removed);
      if (c.want.changed) expect(plan.changed, 'changed').to.deep.equal(c.want.changed);
      for (const [name, exprs] of Object.entries(c.want.namespaces ?? {})) {
        expect((entry(plan.webhooks, name)?.namespaceSelector as Json | undefined)?.matchExpressions, name).to.deep.equal(exprs);
      }
      for (const [name, sel] of Object.entries(c.want.objectSelectors ?? {})) expect(entry(plan.webhooks, name)?.objectSelector, name).to.deep.equal(sel);
      if (c.want.problem) {
        expect(plan.problems.join('; ')).to.match(c.want.problem);
        expect(plan.webhooks, 'left as it is').to.deep.equal(i.live);
      } else expect(plan.problems).to.deep.equal([]);

      // Idempotent: the planned configuration plans to itself.
      expect(planWebhooks({ ...i, live: plan.webhooks }).write, 'planning again writes').to.equal(false);

      // The install's settings are copied into every entry (its own, or the first entry's for a new one).
      const template = i.live[0];
      for (const w of plan.webhooks) {
        const own = i.live.find((l) => l.name === w.name) ?? template!;
        for (const k of ['clientConfig', 'rules', 'failurePolicy', 'timeoutSeconds', 'sideEffects', 'reinvocationPolicy', 'matchPolicy', 'admissionReviewVersions']) {
          expect(w[k], `${w.name as string} ${k}`).to.deep.equal(own[k]);
        }
      }

      // Every pod a policy governs (in a namespace it names, outside the exclusions) reaches the webhook.
      if (!c.want.problem) {
        for (const p of [c.policies.fallback, ...c.policies.cluster]) {
          const namespaces = [...p.spec.namespaces.map((n) => n.replace(/\*/g, 'x').replace(/\?/g, 'y')), 'anywhere'].filter((n) => namespaceSelected(p.spec.namespaces, n));
          for (const ns of namespaces) {
            for (const s of [...p.spec.nifi.selectors, ...p.spec.ca.selectors]) {
              const labels = labelsFor(s);
              expect(plan.webhooks.some((w) => sends(w, ns, labels)), `${p.name}: ${JSON.stringify(labels)} in ${ns}`).to.equal(true);
            }
          }
          for (const ns of EXCLUDED) expect(plan.webhooks.some((w) => sends(w, ns, labelsFor(p.spec.nifi.selectors[0]!))), `excluded ${ns}`).to.equal(false);
        }
      }
    });
  }

  it('a new entry carries the caBundle of the entry it copies; an existing one keeps its own settings', () => {
    const live = installed();
    (live[1]!.clientConfig as Json).caBundle = 'b3RoZXI=';
    live[1]!.timeoutSeconds = 3;
    const plan = planWebhooks({ live, policies: set(CETIC), namespace: OWN_NS, namespaceNames: true });
    for (const n of CETIC_NAMES) expect((entry(plan.webhooks, n)!.clientConfig as Json).caBundle).to.equal(CA_BUNDLE);
    expect(entry(plan.webhooks, DEFAULT_NAMES[1]!)!.timeoutSeconds).to.equal(3);
    expect((entry(plan.webhooks, DEFAULT_NAMES[1]!)!.clientConfig as Json).caBundle).to.equal('b3RoZXI=');
  });

  it('pods no policy governs never reach the webhook', () => {
    const plan = planWebhooks({ live: installed(), policies: set(CETIC, team('a', ['apps'])), namespace: OWN_NS, namespaceNames: true });
    for (const [ns, labels] of [
      ['nifi', { app: 'zookeeper', release: 'nifi' }],
      ['other', { app: 'ca-ca', release: 'nifi' }], // the cetic CA's labels outside the namespace its policy names
      ['other', { team: 'a', role: 'nifi' }],
      ['apps', { team: 'b', role: 'nifi' }],
    ] as const) {
      expect(plan.webhooks.some((w) => sends(w, ns, labels)), `${JSON.stringify(labels)} in ${ns}`).to.equal(false);
    }
  });

  it("the live order of entries is kept: the install's entries in another order are not rewritten", () => {
    const live = installed().reverse();
    const plan = planWebhooks({ live, policies: set(), namespace: OWN_NS, namespaceNames: true });
    expect(plan.write).to.equal(false);
    expect(names(plan.webhooks)).to.deep.equal([...DEFAULT_NAMES].reverse());
  });
});
