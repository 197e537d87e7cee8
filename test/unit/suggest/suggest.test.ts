import { expect } from 'chai';
import { parse } from 'yaml';
import type { Json } from '../../../src/mutation/pod.js';
import { validatePolicy } from '../../../src/policy/validate.js';
import { renderedPolicyIssues } from '../../../src/suggest/check.js';
import { SuggestError } from '../../../src/suggest/errors.js';
import { findRoles, NO_CA, NO_NIFI } from '../../../src/suggest/find.js';
import { policyName, policyNamespaces } from '../../../src/suggest/meta.js';
import { nifiPodCount, placementComment } from '../../../src/suggest/placement.js';
import { renderSuggestion, wrap } from '../../../src/suggest/render.js';
import { suggestPolicy } from '../../../src/suggest/suggest.js';
import { CA_CONTAINER, caSpec, NIFI_CONTAINER, nifiSpec, OTHER_CONTAINER, workload, workloadObject } from './objects.js';

const nifi = (extra: Partial<Parameters<typeof workloadObject>[0]> = {}): Json => workloadObject({ name: 'nifi', labels: { app: 'nifi' }, selector: { app: 'nifi' }, replicas: 3, spec: nifiSpec(), ...extra });
const ca = (extra: Partial<Parameters<typeof workloadObject>[0]> = {}): Json => workloadObject({ kind: 'Deployment', name: 'nifi-ca', labels: { app: 'nifi-ca' }, spec: caSpec(), ...extra });
const service: Json = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nifi', namespace: 'nifi' }, spec: {} };

describe('suggest: finding the NiFi and nifi-ca workloads', () => {
  const cases: Array<{ name: string; objects: Json[]; error?: string; roles?: string[] }> = [
    { name: 'no CA workload', objects: [nifi(), service], error: NO_CA },
    { name: 'no NiFi workload', objects: [ca(), service], error: NO_NIFI },
    { name: 'nothing at all', objects: [service], error: NO_CA },
    { name: 'roles from containers, not names; Lists expanded', objects: [{ apiVersion: 'v1', kind: 'List', items: [workloadObject({ name: 'a', labels: { x: 'a' }, spec: nifiSpec() }), workloadObject({ name: 'b', labels: { x: 'b' }, spec: caSpec() })] }, workloadObject({ name: 'nifi-zk', labels: { x: 'c' }, spec: { containers: [OTHER_CONTAINER] } })], roles: ['StatefulSet/a=nifi', 'StatefulSet/b=nifi-ca', 'StatefulSet/nifi-zk=other'] },
    { name: 'a toolkit server beside a NiFi container makes a pod nifi-ca', objects: [nifi(), workloadObject({ kind: 'Pod', name: 'both', labels: { y: '1' }, spec: { containers: [NIFI_CONTAINER, CA_CONTAINER] } })], roles: ['StatefulSet/nifi=nifi', 'Pod/both=nifi-ca'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (c.error) {
        expect(() => findRoles(c.objects)).to.throw(SuggestError, c.error);
        return;
      }
      const f = findRoles(c.objects);
      const roles = [...f.nifi, ...f.ca, ...f.other].map((w) => `${w.ref}=${w.role}`);
      expect(roles.sort()).to.deep.equal([...c.roles!].sort());
    });
  }
});

describe('suggest: name, namespaces and placement', () => {
  const names: Array<[string, Json, string | undefined, string]> = [
    ['--name wins', nifi({ labels: { app: 'nifi', release: 'prod' } }), 'given', 'given'],
    ['the release label', nifi({ labels: { app: 'nifi', release: 'prod' } }), undefined, 'prod'],
    ['the Helm 3 instance label', nifi({ labels: { app: 'nifi', 'app.kubernetes.io/instance': 'prod-2' } }), undefined, 'prod-2'],
    ['the workload metadata release label', nifi({ ownerLabels: { release: 'meta' } }), undefined, 'meta'],
    ['a release label that is no valid name', nifi({ labels: { app: 'nifi', release: 'Prod_X' } }), undefined, 'nifi'],
    ['no release label', nifi(), undefined, 'nifi'],
  ];
  for (const [name, obj, given, want] of names) {
    it(`name: ${name}`, () => expect(policyName(findRoles([obj, ca()]).nifi, given).value).to.equal(want));
  }

  const namespaces: Array<[string, Json[], string | undefined, string[] | undefined, RegExp]> = [
    ['-n wins', [nifi({ namespace: 'a' })], 'b', ['b'], /^From -n\. WARNING: the input also names namespace a\.$/],
    ['the one namespace objects name, others naming none', [nifi(), { ...service, metadata: { name: 's', namespace: 'nifi' } }], undefined, ['nifi'], /pass -n to be sure/],
    ['several namespaces: every namespace', [nifi({ namespace: 'a' }), ca({ namespace: 'b' })], undefined, undefined, /governs every namespace \(the input names several: a, b\)/],
    ['none named: every namespace', [nifi()], undefined, undefined, /governs every namespace \(the input names none\); pass -n to scope it/],
  ];
  for (const [name, objects, given, want, why] of namespaces) {
    it(`namespaces: ${name}`, () => {
      const r = policyNamespaces(objects, given);
      expect(r.value).to.deep.equal(want);
      expect(r.why).to.match(why);
    });
  }

  it('placement: N NiFi pods need N+1 nodes; a DaemonSet makes it unknowable', () => {
    const three = findRoles([nifi(), workloadObject({ kind: 'Pod', name: 'p', labels: { app: 'nifi' }, spec: nifiSpec() }), ca()]).nifi;
    expect(nifiPodCount(three)).to.equal(4);
    expect(placementComment(three).join(' ')).to.match(/needs 5 nodes \(4 NiFi pods \+ nifi-ca\)/);
    const ds = [workload({ kind: 'DaemonSet', labels: { app: 'nifi' }, spec: nifiSpec() })];
    expect(nifiPodCount(ds)).to.equal(undefined);
    expect(placementComment(ds).join(' ')).to.match(/one node more than it has NiFi nodes/);
  });
});

describe('suggest: rendering', () => {
  it('wraps paragraphs, hangs list items and keeps indented commands whole', () => {
    const long = `- ${'word '.repeat(30).trim()}`;
    const out = wrap([long, '     a-command --with a very long line that must stay on one line because people copy it whole, really'], 0).split('\n');
    expect(out[0]).to.match(/^ - word/);
    expect(out[1]).to.match(/^ {3}word/);
    expect(out.every((l) => l.length <= 100 || l.includes('a-command'))).to.equal(true);
    expect(out[out.length - 1]).to.equal('      a-command --with a very long line that must stay on one line because people copy it whole, really');
  });

  it('puts each comment above its field, and the notes on top', () => {
    const text = renderSuggestion({
      doc: { apiVersion: 'v', spec: { list: [{ a: 1 }], b: { c: true } } },
      comments: [{ path: ['spec', 'b', 'c'], lines: ['about c'] }, { path: ['spec', 'list', 0], lines: ['first item'] }, { path: ['spec', 'b', 'c'], lines: ['more'] }],
      notes: ['header'],
    });
    expect(text).to.equal('# header\n\napiVersion: v\nspec:\n  list:\n    # first item\n    - a: 1\n  b:\n    # about c\n    # more\n    c: true\n');
  });

  it('refuses a comment on a field that is not there', () => {
    expect(() => renderSuggestion({ doc: { a: 1 }, comments: [{ path: ['b'], lines: ['x'] }], notes: [] })).to.throw(/no field b to comment on/);
  });

  it('its own check finds every problem of an invalid policy text, and none in a valid one', () => {
    expect(renderedPolicyIssues('apiVersion: nifi-ca-guard.io/v1alpha1\nkind: NiFiTrustPolicy\nspec: {trustBundle: {wiring: merge}}\n')).to.deep.equal([
      'spec.trustBundle.merge.after: must name the enrolment init container (DNS label)',
      'spec.trustBundle.merge.volume: must name the pod volume holding the store (DNS label)',
      'spec.trustBundle.merge.store: must be a path relative to the volume, e.g. certs/truststore.jks',
    ]);
    expect(renderedPolicyIssues('a: [')[0]).to.match(/^not YAML: /);
    expect(renderedPolicyIssues('apiVersion: nifi-ca-guard.io/v1alpha1\nkind: NiFiTrustPolicy\n')).to.deep.equal([]);
  });
});

describe('suggest: the whole policy', () => {
  it('keeps to non-default fields plus selectors and wiring, and validates', () => {
    const s = suggestPolicy([nifi({ namespace: 'nifi' }), ca({ namespace: 'nifi' })], { source: 'in.yaml' });
    expect(s.doc).to.deep.equal({
      apiVersion: 'nifi-ca-guard.io/v1alpha1',
      kind: 'NiFiTrustPolicy',
      metadata: { name: 'nifi' },
      spec: {
        namespaces: ['nifi'],
        nifi: { selectors: [{ matchLabels: { app: 'nifi' } }] },
        ca: { selectors: [{ matchLabels: { app: 'nifi-ca' } }] },
        placement: { mode: 'required' },
        trustBundle: { wiring: 'env', containers: ['nifi'] },
        caPinning: { enabled: false },
      },
    });
    const text = renderSuggestion(s);
    expect(renderedPolicyIssues(text)).to.deep.equal([]);
    expect(validatePolicy(parse(text)).ok).to.equal(true);
  });

  it('warns when two NiFi workloads would need different wiring', () => {
    const selfEnrolling = { name: 'nifi', image: 'apache/nifi:1.12.1', command: ['sh', '-c', 'tls-toolkit.sh client && exec bin/nifi.sh run'] };
    const s = suggestPolicy([nifi(), nifi({ name: 'old', labels: { app: 'old-nifi' }, selector: { app: 'old-nifi' }, spec: { containers: [selfEnrolling] } }), ca()], { source: '-' });
    expect(s.doc.spec).to.have.nested.property('trustBundle.wiring', 'env');
    expect(s.comments.flatMap((c) => c.lines).join('\n')).to.match(/WARNING: this wiring fits StatefulSet\/nifi; StatefulSet\/old would need another/);
    expect(renderedPolicyIssues(renderSuggestion(s))).to.deep.equal([]);
  });
});
