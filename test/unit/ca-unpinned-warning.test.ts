// Issue 11's first warning no other tool gives: a nifi-ca pod admitted without CA pinning is told that a
// reschedule mints a new CA key, and what to set; where it does not apply, nothing is said.
import { expect } from 'chai';
import { mutatePod } from '../../src/mutation/mutate.js';
import type { Json } from '../../src/mutation/pod.js';
import { policyWith } from '../support/policy.js';

const UNPINNED = 'nifi-ca-guard: CA not pinned: a reschedule mints a new CA key; see ca init and spec.caPinning (docs/ca-pinning.md)';
const toolkit = (extra: Json = {}): Json => ({ name: 'ca', image: 'apache/nifi-toolkit:1.28.1', args: ['tls-toolkit.sh', 'server'], ...extra });
const pod = (labels: Record<string, string>, spec: Json): Json => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels }, spec });

describe('mutation: the unpinned-CA warning', () => {
  const cases: Array<{ name: string; pod: Json; pinning: boolean; audit?: boolean; want: boolean }> = [
    { name: 'a nifi-ca pod, pinning off (the default policy)', pod: pod({ app: 'nifi-ca' }, { containers: [toolkit()] }), pinning: false, want: true },
    { name: 'a nifi-ca pod, pinning off, audit-only policy', pod: pod({ app: 'nifi-ca' }, { containers: [toolkit()] }), pinning: false, audit: true, want: true },
    { name: 'a nifi-ca pod, pinning on', pod: pod({ app: 'nifi-ca' }, { containers: [toolkit()] }), pinning: true, want: false },
    {
      name: 'a nifi-ca pod whose key sits on a PVC (told "pin it" instead, once)',
      pod: pod({ app: 'nifi-ca' }, {
        containers: [toolkit({ workingDir: '/ca', volumeMounts: [{ name: 'ca-data', mountPath: '/ca' }] })],
        volumes: [{ name: 'ca-data', persistentVolumeClaim: { claimName: 'nifi-ca' } }],
      }),
      pinning: false,
      want: false,
    },
    { name: 'a NiFi pod', pod: pod({ app: 'nifi' }, { containers: [{ name: 'nifi', image: 'apache/nifi:1.28.1' }] }), pinning: false, want: false },
    { name: 'a pod no selector matches', pod: pod({ app: 'zookeeper' }, { containers: [{ name: 'zk', image: 'zookeeper' }] }), pinning: false, want: false },
  ];
  for (const c of cases) {
    it(`${c.want ? 'warns' : 'is silent'}: ${c.name}`, () => {
      const policy = policyWith({ caPinning: { enabled: c.pinning }, ...(c.audit ? { enforcement: 'audit' } : {}) });
      const r = mutatePod(structuredClone(c.pod), 'nifi', policy);
      expect(r.warnings.includes(UNPINNED), r.warnings.join('\n')).to.equal(c.want);
      if (c.name.includes('PVC')) expect(r.warnings.some((w) => /keeps its CA key on PVC nifi-ca \(\/ca\): pin it/.test(w)), r.warnings.join('\n')).to.equal(true);
      for (const w of r.warnings) expect(w.length, w).to.be.below(120);
    });
  }
});
