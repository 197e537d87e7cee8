import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { IMAGE_UID } from '../../src/mutation/names.js';
import { findByName, type Json } from '../../src/mutation/pod.js';
import { planTrustBundle, trustBundleItems } from '../../src/mutation/trust-bundle.js';
import { repoPath } from '../support/paths.js';
import { policyWith } from '../support/policy.js';

const tb = policyWith({}).spec.trustBundle;
const nifi = (extra: Json = {}): Json => ({ name: 'nifi', image: 'apache/nifi:1.28.1', ...extra });
/** The apache/nifi start script reads TRUSTSTORE_* only in its secured modes. */
const AUTH_TLS = { name: 'AUTH', value: 'tls' };
const podOf = (spec: Json): Json => ({ metadata: { name: 'p' }, spec });
const spec = (pod: Json) => pod.spec as Json;

describe('trust-bundle planner', () => {
  it('injects volumes, a first init container, a read-only mount and the env triple', () => {
    const pod = podOf({ initContainers: [{ name: 'tls-client', image: 'toolkit' }], containers: [nifi()] });
    const out = planTrustBundle(pod, tb);
    expect(out.state).to.equal('added');
    const s = spec(pod);
    expect((s.initContainers as Json[]).map((c) => c.name)).to.deep.equal(['nifi-ca-guard-truststore', 'tls-client']);
    expect((s.volumes as Json[]).map((v) => v.name)).to.deep.equal(['nifi-ca-guard-bundle', 'nifi-ca-guard-truststore']);
    const c = (s.containers as Json[])[0]!;
    expect(c.volumeMounts).to.deep.equal([{ name: 'nifi-ca-guard-truststore', mountPath: '/opt/nifi/trust', readOnly: true }]);
    expect(c.env).to.deep.equal([
      { name: 'TRUSTSTORE_PATH', value: '/opt/nifi/trust/truststore.p12' },
      { name: 'TRUSTSTORE_TYPE', value: 'PKCS12' },
      { name: 'TRUSTSTORE_PASSWORD', value: 'changeit' },
    ]);
  });

  it('runs an init container that passes Pod Security "restricted"', () => {
    const init = trustBundleItems(tb).initContainer;
    expect(init.securityContext).to.deep.equal({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(init.args).to.deep.equal([
      'truststore', '--bundle', '/var/run/nifi-ca-guard/bundle/ca.crt',
      '--out', '/var/run/nifi-ca-guard/truststore/truststore.p12', '--type', 'pkcs12', '--password-env', 'TRUSTSTORE_PASSWORD',
    ]);
  });

  it('gives the init container a non-root uid in a pod that runs as root (runAsNonRoot would refuse uid 0)', () => {
    const pod = podOf({ securityContext: { runAsUser: 0 }, containers: [nifi()] });
    planTrustBundle(pod, tb);
    const init = (spec(pod).initContainers as Json[])[0]!;
    expect(init.securityContext).to.deep.include({ runAsNonRoot: true, runAsUser: 65532 });
    const again = structuredClone(pod);
    expect(planTrustBundle(pod, tb).state).to.equal('present');
    expect(pod).to.deep.equal(again);
    const rootless = podOf({ securityContext: { runAsUser: 1000 }, containers: [nifi()] });
    planTrustBundle(rootless, tb);
    expect(((spec(rootless).initContainers as Json[])[0]!.securityContext as Json).runAsUser).to.equal(undefined);
  });

  it("uses the Dockerfile's USER as that uid", () => {
    expect(readFileSync(repoPath('Dockerfile'), 'utf8')).to.match(new RegExp(`^USER ${IMAGE_UID}(:\\d+)?$`, 'm'));
  });

  const formats = [
    { format: 'pkcs12', file: 'truststore.p12', type: 'PKCS12', passwordFlag: true },
    { format: 'jks', file: 'truststore.jks', type: 'JKS', passwordFlag: true },
    { format: 'pem', file: 'truststore.pem', type: 'PEM', passwordFlag: false },
  ];
  for (const f of formats) {
    it(`writes a ${f.format} truststore and points NiFi at it`, () => {
      const items = trustBundleItems(policyWith({ trustBundle: { format: f.format } }).spec.trustBundle);
      expect(items.env.slice(0, 2)).to.deep.equal([
        { name: 'TRUSTSTORE_PATH', value: `/opt/nifi/trust/${f.file}` },
        { name: 'TRUSTSTORE_TYPE', value: f.type },
      ]);
      expect((items.initContainer.args as string[]).includes('--password-env')).to.equal(f.passwordFlag);
      expect(items.initContainer.env !== undefined).to.equal(f.passwordFlag);
    });
  }

  it('takes the password from a Secret when the policy names one', () => {
    const items = trustBundleItems(policyWith({ trustBundle: { password: { secretName: 'ts-pass', key: 'pw' } } }).spec.trustBundle);
    expect(items.env[2]).to.deep.equal({ name: 'TRUSTSTORE_PASSWORD', valueFrom: { secretKeyRef: { name: 'ts-pass', key: 'pw' } } });
  });

  const collisions: Array<{ name: string; spec: Json; warning: RegExp }> = [
    { name: 'foreign bundle volume', spec: { containers: [nifi()], volumes: [{ name: 'nifi-ca-guard-bundle', emptyDir: {} }] }, warning: /volume nifi-ca-guard-bundle already exists/ },
    { name: 'foreign init container', spec: { containers: [nifi()], initContainers: [{ name: 'nifi-ca-guard-truststore', image: 'busybox' }] }, warning: /init container nifi-ca-guard-truststore already exists/ },
    {
      name: 'mount path taken',
      spec: { containers: [nifi({ volumeMounts: [{ name: 'certs', mountPath: '/opt/nifi/trust/' }] })], volumes: [{ name: 'certs', emptyDir: {} }] },
      warning: /container nifi already mounts \/opt\/nifi\/trust/,
    },
    { name: 'malformed containers', spec: { containers: 'nifi' }, warning: /spec.containers is malformed/ },
  ];
  for (const c of collisions) {
    it(`skips the whole step on ${c.name}, changing nothing`, () => {
      const pod = podOf(structuredClone(c.spec));
      const out = planTrustBundle(pod, tb);
      expect(out.state).to.equal('skipped');
      expect(out.warnings.join('\n')).to.match(c.warning);
      expect(pod).to.deep.equal(podOf(c.spec));
    });
  }

  it('leaves env alone, with a warning, when the container sets any TRUSTSTORE_ variable', () => {
    const pod = podOf({ containers: [nifi({ env: [{ name: 'TRUSTSTORE_TYPE', value: 'JKS' }] })] });
    const out = planTrustBundle(pod, tb);
    expect(out.state).to.equal('added');
    expect(out.warnings).to.include('container nifi sets TRUSTSTORE_TYPE; its truststore env left as is');
    expect(((spec(pod).containers as Json[])[0]!).env).to.deep.equal([{ name: 'TRUSTSTORE_TYPE', value: 'JKS' }]);
  });

  it('mounts only into the named containers and warns about missing names', () => {
    const pod = podOf({ containers: [nifi(), { name: 'sidecar', image: 'x' }] });
    const out = planTrustBundle(pod, policyWith({ trustBundle: { containers: ['nifi', 'ghost'] } }).spec.trustBundle);
    expect(out.warnings).to.include('no container named ghost to mount the truststore into');
    const containers = spec(pod).containers as Json[];
    expect(findByName(containers, 'sidecar')).to.deep.equal({ name: 'sidecar', image: 'x' });
    expect(findByName(containers, 'nifi')!.volumeMounts).to.have.length(1);
  });

  it('keeps the missing-container warning when a collision then skips the step', () => {
    const pod = podOf({ containers: [nifi()], volumes: [{ name: 'nifi-ca-guard-bundle', emptyDir: {} }] });
    const out = planTrustBundle(pod, policyWith({ trustBundle: { containers: ['nifi', 'ghost'] } }).spec.trustBundle);
    expect(out.state).to.equal('skipped');
    expect(out.warnings).to.deep.equal([
      'no container named ghost to mount the truststore into',
      'volume nifi-ca-guard-bundle already exists; trust bundle not injected',
    ]);
  });

  it('recognises its own items after API-server defaulting (reinvocation)', () => {
    const pod = podOf({ containers: [nifi({ env: [AUTH_TLS] })] });
    planTrustBundle(pod, tb);
    const s = spec(pod);
    // What the API server adds when it decodes the patched pod.
    Object.assign((s.initContainers as Json[])[0]!, { terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: { limits: { cpu: '200m', memory: '128Mi' }, requests: { cpu: '10m', memory: '32Mi' } } });
    ((s.volumes as Json[])[0]!.secret as Json).defaultMode ??= 420; // only where none was given
    const before = structuredClone(pod);
    const again = planTrustBundle(pod, tb);
    expect(again.state).to.equal('present');
    expect(again.warnings).to.deep.equal([]);
    expect(pod).to.deep.equal(before);
  });
});

// Issue 10: the bundle Secret had no defaultMode (0644). Its files are root's; our init container is not.
describe('trust-bundle Secret mode', () => {
  it('is 0440 where the pod has fsGroup (the init container reads through the group)', () => {
    const pod = podOf({ securityContext: { runAsUser: 1000, fsGroup: 1000 }, containers: [nifi({ env: [AUTH_TLS] })] });
    planTrustBundle(pod, tb);
    expect(((spec(pod).volumes as Json[])[0]!.secret as Json).defaultMode).to.equal(0o440);
    expect((spec(pod).securityContext as Json).fsGroup).to.equal(1000);
  });

  it('is 0444 without fsGroup: public certificates, and no fsGroup forced onto NiFi\'s volumes', () => {
    const pod = podOf({ containers: [nifi({ env: [AUTH_TLS] })] });
    planTrustBundle(pod, tb);
    expect(((spec(pod).volumes as Json[])[0]!.secret as Json).defaultMode).to.equal(0o444);
    expect(spec(pod).securityContext).to.equal(undefined);
  });
});

describe('trust-bundle planner on reinvocation after other admission plugins', () => {
  it('recognises its init container after the ServiceAccount plugin adds a token mount to it', () => {
    const pod = podOf({ containers: [nifi({ env: [AUTH_TLS] })] });
    planTrustBundle(pod, tb);
    // What the ServiceAccount admission plugin adds to every container, ours included.
    const token = { name: 'default-token-x7k2p', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };
    const s = spec(pod);
    for (const c of [...(s.initContainers as Json[]), ...(s.containers as Json[])]) (c.volumeMounts as Json[]).push({ ...token });
    (s.volumes as Json[]).push({ name: token.name, secret: { secretName: token.name } });
    const before = structuredClone(pod);
    const again = planTrustBundle(pod, tb);
    expect(again.state).to.equal('present');
    expect(again.warnings).to.deep.equal([]);
    expect(pod).to.deep.equal(before);
  });

  it('still refuses a same-named init container that runs something else', () => {
    const pod = podOf({ containers: [nifi()] });
    planTrustBundle(pod, tb);
    ((spec(pod).initContainers as Json[])[0]!).args = ['sh', '-c', 'echo hijacked'];
    expect(planTrustBundle(pod, tb).state).to.equal('skipped');
  });
});
