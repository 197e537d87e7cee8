import { expect } from 'chai';
import { checkCaStorage } from '../../src/mutation/ca-storage.js';
import { mutatePod } from '../../src/mutation/mutate.js';
import type { Json } from '../../src/mutation/pod.js';
import { unreadEnvProblem } from '../../src/mutation/trust-bundle.js';
import { planTrustMerge, trustMergeItems } from '../../src/mutation/trust-merge.js';
import { policyWith } from '../support/policy.js';

const MERGE = { after: 'cert-request', volume: 'config-data', store: 'certs/truststore.jks', passwordFile: 'certs/config.json', passwordKey: 'trustStorePassword' };
const tb = policyWith({ trustBundle: { wiring: 'merge', merge: MERGE } }).spec.trustBundle;

/** A NiFi pod shaped like cetic/helm-nifi 0.7.x renders it (abridged to what the merge looks at). */
function ceticPod(): Json {
  return {
    metadata: { name: 'nifi-0', labels: { app: 'nifi', release: 'nifi' } },
    spec: {
      securityContext: { runAsUser: 1000, fsGroup: 1000 },
      initContainers: [
        { name: 'zookeeper', image: 'busybox:1.32.0', command: ['sh', '-c', 'until nc -vzw 1 nifi-zookeeper 2181; do sleep 2; done'] },
        { name: 'cert-request', image: 'apache/nifi-toolkit:1.12.1', command: ['bash', '-c', 'cd /data/config-data; rm -rf certs; mkdir certs; cd certs; tls-toolkit.sh client -c nifi-ca -t t -p 9090'], volumeMounts: [{ name: 'config-data', mountPath: '/data/config-data' }] },
      ],
      containers: [
        { name: 'server', image: 'apache/nifi:1.12.1', command: ['bash', '-ce', 'exec bin/nifi.sh run'], volumeMounts: [{ name: 'config-data', mountPath: '/opt/nifi/nifi-current/config-data' }] },
        { name: 'app-log', image: 'busybox:1.32.0', args: ['tail', '-n+1', '-F', '/var/log/nifi-app.log'] },
      ],
      volumes: [{ name: 'config-data', emptyDir: {} }],
    },
  };
}
const spec = (pod: Json) => pod.spec as Json;
const inits = (pod: Json) => spec(pod).initContainers as Json[];

describe('trust merge planner', () => {
  it('inserts the merge step right after the enrolment init container, running as its uid, and touches no app container', () => {
    const pod = ceticPod();
    const containersBefore = structuredClone(spec(pod).containers);
    const out = planTrustMerge(pod, tb);
    expect(out.state).to.equal('added');
    expect(out.warnings).to.deep.equal([]);
    expect(inits(pod).map((c) => c.name)).to.deep.equal(['zookeeper', 'cert-request', 'nifi-ca-guard-trust-merge']);
    const merge = inits(pod)[2]!;
    expect(merge.args).to.deep.equal([
      'truststore', '--merge', '--bundle', '/var/run/nifi-ca-guard/bundle/ca.crt',
      '--out', '/var/run/nifi-ca-guard/target/certs/truststore.jks', '--type', 'jks',
      '--password-file', '/var/run/nifi-ca-guard/target/certs/config.json', '--password-json-key', 'trustStorePassword',
    ]);
    expect(merge.env).to.equal(undefined);
    expect(merge.volumeMounts).to.deep.equal([
      { name: 'nifi-ca-guard-bundle', mountPath: '/var/run/nifi-ca-guard/bundle', readOnly: true },
      { name: 'config-data', mountPath: '/var/run/nifi-ca-guard/target' },
    ]);
    expect(merge.securityContext).to.deep.include({ runAsUser: 1000, runAsNonRoot: true, readOnlyRootFilesystem: true });
    expect((spec(pod).volumes as Json[]).map((v) => v.name)).to.deep.equal(['config-data', 'nifi-ca-guard-bundle']);
    expect(spec(pod).containers).to.deep.equal(containersBefore);
  });

  it('mounts the bundle Secret 0440 with the pod\'s fsGroup (cetic sets 1000), 0444 without one', () => {
    const pod = ceticPod();
    planTrustMerge(pod, tb);
    expect(((spec(pod).volumes as Json[])[1]!.secret as Json).defaultMode).to.equal(0o440);
    const bare = ceticPod();
    delete (spec(bare).securityContext as Json).fsGroup;
    planTrustMerge(bare, tb);
    expect(((spec(bare).volumes as Json[])[1]!.secret as Json).defaultMode).to.equal(0o444);
    expect(spec(bare).securityContext).to.deep.equal({ runAsUser: 1000 });
  });

  it('is idempotent: a second pass finds its own step and changes nothing', () => {
    const pod = ceticPod();
    planTrustMerge(pod, tb);
    const before = structuredClone(pod);
    const again = planTrustMerge(pod, tb);
    expect(again.state).to.equal('present');
    expect(pod).to.deep.equal(before);
  });

  it('takes the password from the policy when no password file is named', () => {
    const withSecret = policyWith({ trustBundle: { wiring: 'merge', merge: { after: 'a', volume: 'v', store: 'ts.p12', storeType: 'pkcs12' }, password: { secretName: 'ts-pass' } } }).spec.trustBundle;
    const init = trustMergeItems(withSecret, 1000).initContainer;
    expect((init.args as string[]).slice(-4)).to.deep.equal(['--type', 'pkcs12', '--password-env', 'TRUSTSTORE_PASSWORD']);
    expect(init.env).to.deep.equal([{ name: 'TRUSTSTORE_PASSWORD', valueFrom: { secretKeyRef: { name: 'ts-pass', key: 'password' } } }]);
  });

  const uids: Array<[string, (p: Json) => void, number | 'skipped']> = [
    ['the pod uid', () => {}, 1000],
    ['the enrolment container uid over the pod', (p) => { inits(p)[1]!.securityContext = { runAsUser: 2000 }; }, 2000],
    ['the policy default when nobody sets one', (p) => { delete spec(p).securityContext; }, 1000],
    ['never root: skipped', (p) => { inits(p)[1]!.securityContext = { runAsUser: 0 }; }, 'skipped'],
  ];
  for (const [name, change, want] of uids) {
    it(`runs as ${name}`, () => {
      const pod = ceticPod();
      change(pod);
      const out = planTrustMerge(pod, tb);
      if (want === 'skipped') {
        expect(out.state).to.equal('skipped');
        expect(out.warnings).to.deep.equal(['init container cert-request runs as root, so a non-root merge cannot write its store; trust bundle not merged']);
      } else expect((inits(pod)[2]!.securityContext as Json).runAsUser).to.equal(want);
    });
  }

  const skips: Array<[string, (p: Json) => void, string]> = [
    ['no enrolment init container', (p) => { spec(p).initContainers = [inits(p)[0]]; }, 'no init container cert-request to merge after; trust bundle not merged'],
    ['no init containers at all', (p) => { delete spec(p).initContainers; }, 'no init container cert-request to merge after; trust bundle not merged'],
    ['no such volume', (p) => { spec(p).volumes = []; }, 'no volume config-data holding the truststore; trust bundle not merged'],
    ['enrolment does not mount the volume', (p) => { inits(p)[1]!.volumeMounts = []; }, 'init container cert-request does not mount volume config-data; trust bundle not merged'],
    ['our volume name taken', (p) => { (spec(p).volumes as Json[]).push({ name: 'nifi-ca-guard-bundle', emptyDir: {} }); }, 'volume nifi-ca-guard-bundle already exists; trust bundle not merged'],
    ['our init container name taken', (p) => { inits(p).push({ name: 'nifi-ca-guard-trust-merge', image: 'x' }); }, 'init container nifi-ca-guard-trust-merge already exists; trust bundle not merged'],
  ];
  for (const [name, change, warning] of skips) {
    it(`skips, changing nothing, when ${name}`, () => {
      const pod = ceticPod();
      change(pod);
      const before = structuredClone(pod);
      const out = planTrustMerge(pod, tb);
      expect(out.state).to.equal('skipped');
      expect(out.warnings).to.deep.equal([warning]);
      expect(pod).to.deep.equal(before);
    });
  }

  it('says so when no NiFi container mounts the volume (cetic without clusterSecure reads no store)', () => {
    const pod = ceticPod();
    delete (spec(pod).containers as Json[])[0]!.volumeMounts;
    const out = planTrustMerge(pod, tb);
    expect(out.state).to.equal('added');
    expect(out.effective).to.equal(false);
    expect(out.warnings).to.deep.equal(['no NiFi container mounts volume config-data, so NiFi never reads the merged store']);
  });

  it('says a NiFi container that enrols itself defeats the merge', () => {
    const pod = ceticPod();
    (spec(pod).containers as Json[])[0]!.command = ['bash', '-c', 'cd certs && tls-toolkit.sh client -c nifi-ca -t t && exec bin/nifi.sh run'];
    const out = planTrustMerge(pod, tb);
    expect(out.effective).to.equal(false);
    expect(out.warnings[0]).to.match(/^container server enrols itself \(tls-toolkit\.sh client\)/);
  });
});

describe('env wiring: when NiFi will not read TRUSTSTORE_*', () => {
  const cases: Array<[string, Json, string | undefined]> = [
    ['apache/nifi, AUTH=tls, own entrypoint', { name: 'nifi', image: 'apache/nifi:1.28.1', env: [{ name: 'AUTH', value: 'tls' }] }, undefined],
    ['apache/nifi, no AUTH', { name: 'nifi', image: 'apache/nifi:1.28.1' }, 'container nifi: AUTH is not tls, ldap or oidc, so the start script ignores TRUSTSTORE_*'],
    ['apache/nifi 1.19, AUTH=oidc', { name: 'nifi', image: 'apache/nifi:1.19.1', env: [{ name: 'AUTH', value: 'oidc' }] }, 'container nifi: AUTH=oidc reads TRUSTSTORE_* only from apache/nifi 1.20 (image 1.19.1)'],
    ['a command that bypasses start.sh', { name: 'server', image: 'apache/nifi:1.12.1', command: ['bash', '-ce', 'exec bin/nifi.sh run'] }, "container server replaces the image's start script: TRUSTSTORE_* is never read (use wiring: merge)"],
    ['a command that reads the variables itself', { name: 'server', image: 'apache/nifi:1.12.1', command: ['bash', '-ce', 'prop_replace nifi.security.truststore "$TRUSTSTORE_PATH"; exec bin/nifi.sh run'] }, undefined],
    ['a wrapper that execs start.sh with AUTH=tls', { name: 'nifi', image: 'apache/nifi:1.28.1', command: ['bash', '-c'], args: ['exec /opt/nifi/scripts/start.sh'], env: [{ name: 'AUTH', value: 'tls' }] }, undefined],
    ['AUTH from envFrom (unknowable)', { name: 'nifi', image: 'apache/nifi:1.28.1', envFrom: [{ secretRef: { name: 'nifi-env' } }] }, undefined],
    ['a custom image with its own entrypoint', { name: 'nifi', image: 'corp/nifi-custom:2' }, undefined],
  ];
  for (const [name, c, want] of cases) it(name, () => expect(unreadEnvProblem(c)).to.equal(want));
});

describe('nifi-ca pods: where the CA key lives', () => {
  const caPod = (volume: Json | undefined, workingDir = '/ca'): Json => ({
    metadata: { labels: { app: 'nifi-ca' } },
    spec: {
      containers: [{ name: 'ca', image: 'apache/nifi-toolkit:1.12.1', args: ['tls-toolkit.sh', 'server'], workingDir, volumeMounts: [{ name: 'nifi-ca', mountPath: '/ca', subPath: 'ca' }] }],
      ...(volume ? { volumes: [volume] } : {}),
    },
  });
  it('warns for a PVC at the working directory', () => {
    const out = checkCaStorage(caPod({ name: 'nifi-ca', persistentVolumeClaim: { claimName: 'nifi-ca' } }));
    expect(out).to.deep.equal({
      feature: 'ca-key', state: 'present', detail: 'pvc',
      warnings: ['container ca keeps its CA key on PVC nifi-ca (/ca): pin it (docs/ca-pinning.md)'],
    });
  });
  it('warns for a volumeClaimTemplate (a mount with no pod volume, as in a StatefulSet template)', () => {
    expect(checkCaStorage(caPod(undefined))?.warnings).to.deep.equal(['container ca keeps its CA key on PVC nifi-ca (/ca): pin it (docs/ca-pinning.md)']);
  });
  it('says nothing for an emptyDir, or a working directory on no volume', () => {
    expect(checkCaStorage(caPod({ name: 'nifi-ca', emptyDir: {} }))).to.equal(undefined);
    expect(checkCaStorage(caPod({ name: 'nifi-ca', persistentVolumeClaim: { claimName: 'x' } }, '/opt/toolkit'))).to.equal(undefined);
  });
});

describe('anti-affinity whose selectors exclude the pod’s own release', () => {
  const cases: Array<[string, unknown, Record<string, string>, boolean]> = [
    ['default selectors: nothing knowable', {}, { app: 'nifi', release: 'nifi' }, true],
    ['CA selector pinned to another release', { ca: { selectors: [{ matchLabels: { app: 'ca-ca', release: 'other' } }] } }, { app: 'nifi', release: 'nifi' }, false],
    ['CA selector of the same release', { ca: { selectors: [{ matchLabels: { app: 'ca-ca', release: 'nifi' } }] } }, { app: 'nifi', release: 'nifi' }, true],
    ['In without the release', { ca: { selectors: [{ matchExpressions: [{ key: 'app.kubernetes.io/instance', operator: 'In', values: ['a', 'b'] }] }] } }, { app: 'nifi', 'app.kubernetes.io/instance': 'nifi' }, false],
    ['one of two selectors could match', { ca: { selectors: [{ matchLabels: { release: 'other' } }, { matchLabels: { app: 'nifi-ca' } }] } }, { app: 'nifi', release: 'nifi' }, true],
  ];
  for (const [name, spec, labels, effective] of cases) {
    it(`${name}: ${effective ? 'effective' : 'ineffective'}`, () => {
      const r = mutatePod({ metadata: { labels }, spec: { containers: [{ name: 'nifi', image: 'apache/nifi:1.28.1', env: [{ name: 'AUTH', value: 'tls' }] }] } }, 'nifi', policyWith(spec));
      const status = (r.pod.metadata as Json).annotations as Record<string, string>;
      expect(status['nifi-ca-guard.io/status']).to.match(effective ? /^anti-affinity=required,/ : /^anti-affinity=ineffective,/);
      expect(r.warnings.some((w) => /never match pods of this release/.test(w))).to.equal(!effective);
    });
  }
});
