import { expect } from 'chai';
import { caPinningItems, planCaPinning, usesConfigJson } from '../../src/mutation/ca-pinning.js';
import { mutatePod } from '../../src/mutation/mutate.js';
import type { Json } from '../../src/mutation/pod.js';
import { validatePolicy } from '../../src/policy/validate.js';
import { policyWith } from '../support/policy.js';

const cp = policyWith({ caPinning: { enabled: true } }).spec.caPinning;
const toolkit = (extra: Json = {}): Json => ({
  name: 'ca',
  image: 'apache/nifi-toolkit:1.28.1',
  args: ['tls-toolkit.sh', 'server', '--configJson', 'config.json', '--useConfigJson'],
  ...extra,
});
const podOf = (spec: Json): Json => ({ metadata: { name: 'nifi-ca-0', labels: { app: 'nifi-ca' } }, spec });
const spec = (pod: Json) => pod.spec as Json;

describe('ca-pinning planner', () => {
  it('adds the Secret and emptyDir volumes, a first restore init container, the mount and the working directory', () => {
    const pod = podOf({ initContainers: [{ name: 'other', image: 'x' }], containers: [toolkit()] });
    const out = planCaPinning(pod, cp);
    expect(out.state).to.equal('added');
    expect(out.notes).to.deep.equal(['added CA restore init container from Secret nifi-ca-keystore into /var/lib/nifi-ca', 'set fsGroup 1000, so the restore reads the CA Secret (mode 0440)']);
    expect(out.warnings).to.deep.equal([]);
    const s = spec(pod);
    expect(s.volumes).to.deep.equal([
      { name: 'nifi-ca-guard-ca-secret', secret: { secretName: 'nifi-ca-keystore', defaultMode: 0o440 } },
      { name: 'nifi-ca-guard-ca-workdir', emptyDir: {} },
    ]);
    expect((s.initContainers as Json[]).map((c) => c.name)).to.deep.equal(['nifi-ca-guard-ca-restore', 'other']);
    const c = (s.containers as Json[])[0]!;
    expect(c.volumeMounts).to.deep.equal([{ name: 'nifi-ca-guard-ca-workdir', mountPath: '/var/lib/nifi-ca' }]);
    expect(c.workingDir).to.equal('/var/lib/nifi-ca');
  });

  // Issue 10: the CA Secret (private key, passwords) had no defaultMode, so 0644. Its files are root's:
  // at 0440 the restore container (never root) reads them through the pod's fsGroup.
  const fsGroups: Array<{ name: string; pod: Json; fsGroup: number; note: boolean }> = [
    { name: 'no securityContext: the policy uid as group', pod: { containers: [toolkit()] }, fsGroup: 1000, note: true },
    { name: 'the toolkit\'s runAsGroup', pod: { containers: [toolkit({ securityContext: { runAsUser: 1001, runAsGroup: 2000 } })] }, fsGroup: 2000, note: true },
    { name: 'the pod\'s runAsGroup', pod: { securityContext: { runAsUser: 1001, runAsGroup: 3000 }, containers: [toolkit()] }, fsGroup: 3000, note: true },
    { name: 'the toolkit\'s uid when no group is set', pod: { securityContext: { runAsUser: 1001 }, containers: [toolkit()] }, fsGroup: 1001, note: true },
    { name: 'the pod\'s own fsGroup, kept', pod: { securityContext: { runAsUser: 1000, fsGroup: 4000 }, containers: [toolkit()] }, fsGroup: 4000, note: false },
  ];
  for (const c of fsGroups) {
    it(`mounts the CA Secret 0440 and reads it through fsGroup: ${c.name}`, () => {
      const pod = podOf(structuredClone(c.pod));
      const out = planCaPinning(pod, cp);
      expect(out.state).to.equal('added');
      const s = spec(pod);
      expect(((s.volumes as Json[])[0]!.secret as Json).defaultMode).to.equal(0o440);
      expect((s.securityContext as Json).fsGroup).to.equal(c.fsGroup);
      expect(out.notes!.includes(`set fsGroup ${c.fsGroup}, so the restore reads the CA Secret (mode 0440)`)).to.equal(c.note);
      const before = structuredClone(pod);
      expect(planCaPinning(pod, cp).state, 'a second pass changes nothing').to.equal('present');
      expect(pod).to.deep.equal(before);
    });
  }

  // Found by the fuzz: a malformed fsGroup was overwritten (a change outside what the webhook owns).
  for (const fsGroup of ['1000', -1, 1.5, [], {}]) {
    it(`leaves a malformed fsGroup (${JSON.stringify(fsGroup)}) as the user wrote it`, () => {
      const pod = podOf({ securityContext: { fsGroup }, containers: [toolkit()] });
      planCaPinning(pod, cp);
      expect((spec(pod).securityContext as Json).fsGroup).to.deep.equal(fsGroup);
    });
  }

  it('skips a pod whose securityContext is malformed rather than replace it', () => {
    const pod = podOf({ securityContext: 'x', containers: [toolkit()] });
    const out = planCaPinning(pod, cp);
    expect(out.state).to.equal('skipped');
    expect(out.warnings).to.deep.equal(['spec.securityContext is malformed; CA pinning not injected']);
  });

  it('restores with this image: nifi-ca-guard ca restore, as the toolkit uid, restricted', () => {
    const init = caPinningItems(cp, 1000).initContainer;
    expect(init.command).to.deep.equal(['nifi-ca-guard']);
    expect(init.args).to.deep.equal(['ca', 'restore', '--from', '/var/run/nifi-ca-guard/ca', '--to', '/var/lib/nifi-ca']);
    expect(init.securityContext).to.include({ runAsUser: 1000, runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  });

  it("takes the uid from the container, then the pod, then the policy", () => {
    const uidIn = (pod: Json) => {
      planCaPinning(pod, cp);
      return ((spec(pod).initContainers as Json[])[0]!.securityContext as Json).runAsUser;
    };
    expect(uidIn(podOf({ securityContext: { runAsUser: 2000 }, containers: [toolkit({ securityContext: { runAsUser: 3000 } })] }))).to.equal(3000);
    expect(uidIn(podOf({ securityContext: { runAsUser: 2000 }, containers: [toolkit()] }))).to.equal(2000);
    expect(uidIn(podOf({ containers: [toolkit()] }))).to.equal(1000);
  });

  it('is idempotent: a second run changes nothing', () => {
    const pod = podOf({ containers: [toolkit()] });
    planCaPinning(pod, cp);
    const once = structuredClone(pod);
    const again = planCaPinning(pod, cp);
    expect(again.state).to.equal('present');
    expect(pod).to.deep.equal(once);
  });

  it('recognises its own items after API-server defaulting (reinvocation)', () => {
    const pod = podOf({ containers: [toolkit()] });
    planCaPinning(pod, cp);
    const s = spec(pod);
    // What the API server adds when it decodes the patched pod.
    Object.assign((s.initContainers as Json[])[0]!, { terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' });
    ((s.volumes as Json[])[0]!.secret as Json).defaultMode ??= 420; // only where none was given
    Object.assign((s.containers as Json[])[0]!, { terminationMessagePath: '/dev/termination-log', imagePullPolicy: 'IfNotPresent' });
    const before = structuredClone(pod);
    const again = planCaPinning(pod, cp);
    expect(again.state).to.equal('present');
    expect(again.warnings).to.deep.equal([]);
    expect(pod).to.deep.equal(before);
  });

  const skips: { name: string; pod: Json; warning: RegExp }[] = [
    {
      name: 'working directory already a volume',
      pod: podOf({ containers: [toolkit({ volumeMounts: [{ name: 'state', mountPath: '/var/lib/nifi-ca/' }] })], volumes: [{ name: 'state', emptyDir: {} }] }),
      warning: /^container ca already mounts \/var\/lib\/nifi-ca; CA pinning not injected$/,
    },
    { name: 'container runs elsewhere', pod: podOf({ containers: [toolkit({ workingDir: '/opt/nifi/nifi-toolkit-current' })] }), warning: /runs in \/opt\/nifi\/nifi-toolkit-current, not \/var\/lib\/nifi-ca/ },
    { name: 'a foreign volume with our name', pod: podOf({ containers: [toolkit()], volumes: [{ name: 'nifi-ca-guard-ca-workdir', hostPath: { path: '/x' } }] }), warning: /volume nifi-ca-guard-ca-workdir already exists/ },
    { name: 'a foreign init container with our name', pod: podOf({ containers: [toolkit()], initContainers: [{ name: 'nifi-ca-guard-ca-restore', image: 'other' }] }), warning: /init container nifi-ca-guard-ca-restore already exists/ },
    { name: 'malformed containers', pod: podOf({ containers: 'nope' }), warning: /spec.containers is malformed/ },
    // Found by the fuzz (test/fuzz): a workingDir that is not a string was overwritten with workDir.
    ...[1.5, false, 0, [null], { path: '/x' }].map((wd) => ({
      name: `workingDir ${JSON.stringify(wd)} (not a string)`,
      pod: podOf({ containers: [toolkit({ workingDir: wd })] }),
      warning: /container ca has malformed workingDir/,
    })),
  ];
  for (const c of skips) {
    it(`skips the whole step, unchanged, with a warning: ${c.name}`, () => {
      const before = structuredClone(c.pod);
      const out = planCaPinning(c.pod, cp);
      expect(out.state).to.equal('skipped');
      expect(out.warnings.some((w) => c.warning.test(w)), out.warnings.join(' | ')).to.equal(true);
      expect(c.pod).to.deep.equal(before);
    });
  }

  it('skips, changing nothing, when the toolkit is not started with --useConfigJson (or -F): it would refuse the restored keystore', () => {
    const lacks = 'container ca lacks --useConfigJson, which a pinned CA needs; CA pinning not injected';
    const pod = podOf({ containers: [toolkit({ args: ['tls-toolkit.sh', 'server', '-c', 'nifi-ca'] })] });
    const before = structuredClone(pod);
    const out = planCaPinning(pod, cp);
    expect(out.state).to.equal('skipped');
    expect(out.warnings).to.include(lacks);
    expect(pod).to.deep.equal(before);
    const short = podOf({ containers: [toolkit({ command: ['bash', '-c'], args: ['tls-toolkit.sh server -F -f config.json'] })] });
    expect(planCaPinning(short, cp).state).to.equal('added');
    const tail = podOf({ containers: [toolkit({ command: ['bash', '-c'], args: ['tls-toolkit.sh server -c nifi-ca & tail -F logs/nifi-ca.log'] })] });
    expect(planCaPinning(tail, cp).warnings, "another command's -F").to.include(lacks);
  });

  it("follows the variable cetic/helm-nifi's CA script passes the flags in", () => {
    const script = 'if [ -f config.json ]; then\n  OPTIONS="--configJson config.json --useConfigJson"\nfi\nexec ${NIFI_TOOLKIT_HOME}/bin/tls-toolkit.sh server -c "nifi-ca" -t x -p 9090 ${OPTIONS}';
    expect(usesConfigJson(toolkit({ command: ['sh', '-c', script] }))).to.equal(true);
    expect(usesConfigJson(toolkit({ command: ['sh', '-c', script.replace('--useConfigJson', '')] }))).to.equal(false);
    expect(usesConfigJson(toolkit({ command: ['sh', '-c', 'OTHER="-F"; exec tls-toolkit.sh server ${OPTIONS}'] }))).to.equal(false);
  });

  it('mutatePod: only nifi-ca pods, only when enabled; a patch that re-applies to nothing', () => {
    const enabled = policyWith({ caPinning: { enabled: true } });
    const ca = podOf({ containers: [toolkit()] });
    const r = mutatePod(ca, 'nifi', enabled);
    expect(r.role).to.equal('nifi-ca');
    expect(r.patch.some((op) => op.path === '/spec/initContainers')).to.equal(true);
    expect(r.auditAnnotations.features).to.include('ca-pinning=nifi-ca-keystore');
    expect(mutatePod(r.pod, 'nifi', enabled).patch).to.deep.equal([]);
    expect(mutatePod(ca, 'nifi', policyWith({})).patch.some((op) => op.path === '/spec/initContainers')).to.equal(false);
    const nifi = { metadata: { name: 'nifi-0', labels: { app: 'nifi' } }, spec: { containers: [{ name: 'nifi', image: 'apache/nifi' }] } };
    expect(JSON.stringify(mutatePod(nifi, 'nifi', enabled).patch)).not.to.include('ca-restore');
  });
});

describe('policy validation: caPinning', () => {
  const doc = (caPinning: unknown) => ({ apiVersion: 'nifi-ca-guard.io/v1alpha1', kind: 'NiFiTrustPolicy', metadata: { name: 'p' }, spec: { caPinning } });
  it('defaults: disabled, nifi-ca-keystore, /var/lib/nifi-ca, uid 1000', () => {
    const r = validatePolicy(doc({}));
    expect(r.ok).to.equal(true);
    if (r.ok) expect(r.policy.spec.caPinning).to.deep.include({ enabled: false, secretName: 'nifi-ca-keystore', workDir: '/var/lib/nifi-ca', runAsUser: 1000 });
  });
  it('reports every problem with its field path', () => {
    const r = validatePolicy(doc({ enabled: 'yes', secretName: 'Bad_Name', workDir: 'relative', containers: ['CA'], runAsUser: 0, initContainer: { image: '' }, extra: 1 }));
    expect(r.ok).to.equal(false);
    if (!r.ok) {
      expect(r.issues).to.have.members([
        'spec.caPinning.extra: unknown field',
        'spec.caPinning.secretName: must be a Secret name (DNS subdomain)',
        'spec.caPinning.workDir: must be an absolute path other than "/", without ":" or ".."',
        'spec.caPinning.containers[0]: must be a container name (DNS label)',
        'spec.caPinning.runAsUser: must be a non-root uid (integer from 1)',
        'spec.caPinning.enabled: must be true or false',
        'spec.caPinning.initContainer.image: must be a non-empty image reference',
      ]);
    }
  });
  it("the restore init container follows trustBundle.initContainer unless set", () => {
    const tb = { trustBundle: { initContainer: { image: 'registry.example.com/ncg:1', imagePullPolicy: 'Always' } } };
    const follow = validatePolicy({ ...doc({ enabled: true }), spec: { ...tb, caPinning: { enabled: true } } });
    expect(follow.ok && follow.policy.spec.caPinning.initContainer).to.deep.include({ image: 'registry.example.com/ncg:1', imagePullPolicy: 'Always' });
    const own = validatePolicy({ ...doc({}), spec: { ...tb, caPinning: { initContainer: { image: 'other:2' } } } });
    expect(own.ok && own.policy.spec.caPinning.initContainer).to.deep.include({ image: 'other:2', imagePullPolicy: 'Always' });
  });

  it("refuses the restore container's own Secret directory as workDir (two mounts at one path)", () => {
    const r = validatePolicy(doc({ enabled: true, workDir: '/var/run/nifi-ca-guard/ca/' }));
    expect(r.ok ? [] : r.issues).to.deep.equal(['spec.caPinning.workDir: must not be /var/run/nifi-ca-guard/ca, where the restore init container mounts the Secret']);
  });

  it('trims a trailing slash from workDir', () => {
    const r = validatePolicy(doc({ enabled: true, workDir: '/data/ca/' }));
    expect(r.ok && r.policy.spec.caPinning.workDir).to.equal('/data/ca');
  });
});
