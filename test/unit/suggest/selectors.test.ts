import { expect } from 'chai';
import { selectorMatches } from '../../../src/policy/match.js';
import type { LabelSelector } from '../../../src/policy/types.js';
import { SuggestError } from '../../../src/suggest/errors.js';
import { findRoles } from '../../../src/suggest/find.js';
import { chooseSelectors, ownSelector } from '../../../src/suggest/selectors.js';
import { caSpec, nifiSpec, OTHER_CONTAINER, workload, workloadObject, type Shape } from './objects.js';

describe('suggest: the selector of one workload', () => {
  const cases: Array<{ name: string; shape: Shape; want: LabelSelector; why: RegExp }> = [
    {
      name: 'spec.selector.matchLabels held by the template (cetic: app + release)',
      shape: { labels: { app: 'nifi', chart: 'nifi-0.7.8', release: 'nifi', heritage: 'Helm' }, selector: { app: 'nifi', release: 'nifi' }, spec: nifiSpec() },
      want: { matchLabels: { app: 'nifi', release: 'nifi' } },
      why: /its spec\.selector\.matchLabels \(release keeps other releases' pods out\)$/,
    },
    {
      name: 'a selector the template does not carry: template labels minus volatile ones',
      shape: {
        labels: { 'app.kubernetes.io/name': 'nifi', 'app.kubernetes.io/instance': 'prod', 'helm.sh/chart': 'nifi-1.2.3', 'app.kubernetes.io/version': '1.28.1', 'app.kubernetes.io/managed-by': 'Helm' },
        selector: { 'app.kubernetes.io/name': 'other' },
        spec: nifiSpec(),
      },
      want: { matchLabels: { 'app.kubernetes.io/name': 'nifi', 'app.kubernetes.io/instance': 'prod' } },
      why: /its pod template labels without helm\.sh\/chart, app\.kubernetes\.io\/version, app\.kubernetes\.io\/managed-by/,
    },
    {
      name: 'no selector (a bare Pod): labels minus pod-template-hash and friends',
      shape: { kind: 'Pod', labels: { app: 'nifi', 'pod-template-hash': 'abc', 'controller-revision-hash': 'x', 'statefulset.kubernetes.io/pod-name': 'nifi-0', heritage: 'Helm', chart: 'c' }, spec: nifiSpec() },
      want: { matchLabels: { app: 'nifi' } },
      why: /its pod template labels without pod-template-hash, controller-revision-hash, statefulset\.kubernetes\.io\/pod-name, heritage, chart/,
    },
    {
      name: 'an empty selector: the template labels',
      shape: { labels: { app: 'nifi' }, selector: {}, spec: nifiSpec() },
      want: { matchLabels: { app: 'nifi' } },
      why: /its pod template labels$/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const chosen = ownSelector(workload(c.shape));
      expect(chosen.selector).to.deep.equal(c.want);
      expect(chosen.why.join(' ')).to.match(c.why);
    });
  }

  it('refuses a workload with only volatile labels', () => {
    expect(() => ownSelector(workload({ name: 'n', labels: { chart: 'x' }, spec: nifiSpec() }))).to.throw(SuggestError, /^StatefulSet\/n has no pod template labels to select its pods by/);
  });
});

describe('suggest: NiFi and nifi-ca selectors proven apart', () => {
  const nifi = (labels: Record<string, string>, selector?: Record<string, string>): Shape => ({ name: 'nifi', labels, ...(selector ? { selector } : {}), spec: nifiSpec() });
  const ca = (labels: Record<string, string>, selector?: Record<string, string>): Shape => ({ kind: 'Deployment', name: 'nifi-ca', labels, ...(selector ? { selector } : {}), spec: caSpec() });
  const other = (labels: Record<string, string>): Shape => ({ name: 'zookeeper', labels, spec: { containers: [OTHER_CONTAINER] } });

  const cases: Array<{ name: string; shapes: Shape[]; nifi: LabelSelector[]; ca: LabelSelector[]; why?: RegExp; overlaps?: RegExp }> = [
    {
      name: 'distinct app labels: nothing to add',
      shapes: [nifi({ app: 'nifi' }, { app: 'nifi' }), ca({ app: 'nifi-ca' }, { app: 'nifi-ca' })],
      nifi: [{ matchLabels: { app: 'nifi' } }],
      ca: [{ matchLabels: { app: 'nifi-ca' } }],
    },
    {
      name: 'a shared release selector: each side gets a label of its own',
      shapes: [nifi({ release: 'r', component: 'nifi' }, { release: 'r' }), ca({ release: 'r', component: 'ca' }, { release: 'r' })],
      nifi: [{ matchLabels: { release: 'r', component: 'nifi' } }],
      ca: [{ matchLabels: { release: 'r', component: 'ca' } }],
      why: /\+ component: nifi, so it does not select Deployment\/nifi-ca/,
    },
    {
      name: "NiFi's labels are a subset of the CA's: the NiFi side gets DoesNotExist",
      shapes: [nifi({ app: 'nifi' }), ca({ app: 'nifi', role: 'ca' })],
      nifi: [{ matchLabels: { app: 'nifi' }, matchExpressions: [{ key: 'role', operator: 'DoesNotExist' }] }],
      ca: [{ matchLabels: { app: 'nifi', role: 'ca' } }],
      why: /\+ no role label, so it does not select Deployment\/nifi-ca/,
    },
    {
      name: 'a volatile label is never used to tell them apart',
      shapes: [nifi({ app: 'x', chart: 'nifi-1', tier: 'data' }), ca({ app: 'x', chart: 'ca-1' })],
      nifi: [{ matchLabels: { app: 'x', tier: 'data' } }],
      ca: [{ matchLabels: { app: 'x' }, matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }],
    },
    {
      name: 'another workload matched by a selector: narrowed against it too',
      shapes: [nifi({ app: 'nifi', 'app.kubernetes.io/instance': 'r' }, { 'app.kubernetes.io/instance': 'r' }), ca({ app: 'nifi-ca' }), other({ 'app.kubernetes.io/instance': 'r', app: 'zk' })],
      nifi: [{ matchLabels: { 'app.kubernetes.io/instance': 'r', app: 'nifi' } }],
      ca: [{ matchLabels: { app: 'nifi-ca' } }],
      why: /\+ app: nifi, so it does not select StatefulSet\/zookeeper/,
    },
    {
      name: 'another workload with every NiFi label: said in a comment',
      shapes: [nifi({ app: 'nifi' }), ca({ app: 'nifi-ca' }), other({ app: 'nifi' })],
      nifi: [{ matchLabels: { app: 'nifi' } }],
      ca: [{ matchLabels: { app: 'nifi-ca' } }],
      overlaps: /^WARNING: StatefulSet\/zookeeper carries every label of StatefulSet\/nifi: it will be treated as NiFi/,
    },
    {
      name: 'two NiFi workloads with one selector share it',
      shapes: [nifi({ app: 'nifi' }, { app: 'nifi' }), { ...nifi({ app: 'nifi' }, { app: 'nifi' }), name: 'nifi-b' }, ca({ app: 'nifi-ca' })],
      nifi: [{ matchLabels: { app: 'nifi' } }],
      ca: [{ matchLabels: { app: 'nifi-ca' } }],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const found = findRoles(c.shapes.map(workloadObject));
      const choice = chooseSelectors(found);
      expect(choice.nifi.map((s) => s.selector)).to.deep.equal(c.nifi);
      expect(choice.ca.map((s) => s.selector)).to.deep.equal(c.ca);
      // The proof, again from outside: own pods selected, the other side's never.
      for (const s of choice.nifi) {
        expect(found.nifi.every((w) => selectorMatches(s.selector, w.labels))).to.equal(true);
        expect(found.ca.some((w) => selectorMatches(s.selector, w.labels))).to.equal(false);
      }
      for (const s of choice.ca) {
        expect(found.ca.every((w) => selectorMatches(s.selector, w.labels))).to.equal(true);
        expect(found.nifi.some((w) => selectorMatches(s.selector, w.labels))).to.equal(false);
      }
      if (c.why) expect([...choice.nifi, ...choice.ca].flatMap((s) => s.why).join('\n')).to.match(c.why);
      if (c.overlaps) expect(choice.overlaps.join('\n')).to.match(c.overlaps);
      else expect(choice.overlaps).to.deep.equal([]);
    });
  }

  it('refuses NiFi and nifi-ca templates with the same labels', () => {
    const found = findRoles([nifi({ app: 'x', chart: 'a' }), ca({ app: 'x', chart: 'b' })].map(workloadObject));
    expect(() => chooseSelectors(found)).to.throw(
      SuggestError,
      'cannot tell NiFi StatefulSet/nifi from nifi-ca Deployment/nifi-ca by their pod labels: give one of the two pod templates a label the other lacks',
    );
  });
});
