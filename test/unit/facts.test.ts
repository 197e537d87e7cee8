import { expect } from 'chai';
import { factsFrom, NO_FACTS } from '../../src/mutation/facts.js';

describe('ClusterFacts from metadata lists', () => {
  const nodes: Array<Record<string, string>> = [
    { 'kubernetes.io/hostname': 'n1', 'topology.kubernetes.io/zone': 'a' },
    { 'kubernetes.io/hostname': 'n2', 'topology.kubernetes.io/zone': 'a' },
    { 'kubernetes.io/hostname': 'n3' },
  ];
  const pods = [
    { namespace: 'nifi', labels: { app: 'nifi' } },
    { namespace: 'nifi', labels: { app: 'nifi' } },
    { namespace: 'nifi', labels: { app: 'ca-ca' } },
    { namespace: 'other', labels: { app: 'nifi' } },
  ];
  const facts = factsFrom({ nodes, pods, secrets: new Set(['nifi/nifi-ca-trust']), secretsChecked: new Set(['nifi/nifi-ca-trust', 'other/nifi-ca-trust']) });

  it('counts distinct values of the topology key; nodes without the label are no domain', () => {
    expect(facts.topologyDomains('kubernetes.io/hostname')).to.equal(3);
    expect(facts.topologyDomains('topology.kubernetes.io/zone')).to.equal(1);
    expect(facts.topologyDomains('example.com/rack')).to.equal(0);
  });

  it('counts pods in one namespace matching any selector', () => {
    expect(facts.podsMatching('nifi', [{ matchLabels: { app: 'nifi' } }])).to.equal(2);
    expect(facts.podsMatching('nifi', [{ matchLabels: { app: 'nifi' } }, { matchLabels: { app: 'ca-ca' } }])).to.equal(3);
    expect(facts.podsMatching('empty', [{ matchLabels: { app: 'nifi' } }])).to.equal(0);
  });

  it('knows a Secret exists, is missing, or is not known', () => {
    expect(facts.secretExists('nifi', 'nifi-ca-trust')).to.equal(true);
    expect(facts.secretExists('other', 'nifi-ca-trust')).to.equal(false);
    expect(facts.secretExists('third', 'nifi-ca-trust')).to.equal(undefined);
  });

  it('a Secret name watched in every namespace: absent means missing anywhere; other names stay not known', () => {
    const watched = factsFrom({ secrets: new Set(['nifi/nifi-ca-trust']), secretNamesKnown: new Set(['nifi-ca-trust']) });
    expect(watched.secretExists('nifi', 'nifi-ca-trust')).to.equal(true);
    expect(watched.secretExists('third', 'nifi-ca-trust')).to.equal(false);
    expect(watched.secretExists('nifi', 'other-secret')).to.equal(undefined);
  });

  it('answers "not known" for every list it was not given', () => {
    const none = factsFrom({});
    for (const f of [none, NO_FACTS]) {
      expect(f.topologyDomains('kubernetes.io/hostname')).to.equal(undefined);
      expect(f.podsMatching('nifi', [{ matchLabels: { app: 'nifi' } }])).to.equal(undefined);
      expect(f.secretExists('nifi', 'x')).to.equal(undefined);
    }
  });
});
