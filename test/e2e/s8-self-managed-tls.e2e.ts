// Beyond the six scenarios: self-managed TLS on a real API server, no manual step. The webhook replicas
// run with the container args and env of the rendered Deployment (manifests/overlays/e2e over the base),
// as the ServiceAccount (its token, the manifests' RBAC), behind a round-robin balancer at the webhook
// configuration's loopback URL. They create their Secret, set every caBundle, elect one writer with a
// Lease, survive the loss of that leader, and rotate CA and serving certificate while NiFi pods keep
// being admitted. The other scenarios keep running the webhook in file mode with the suite's certificate.
import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { parse } from 'yaml';
import { createNamespace, deleteNamespace, fixture, readFixture, type Pod } from './support/cluster.js';
import { expectNifiMutated } from './support/expect-mutation.js';
import { kubectl, kubectlOk } from './support/kubectl.js';
import { applyOverlay } from './support/manifests.js';
import { startBalancer, type Balancer } from './support/balancer.js';
import { rawRequest } from './support/raw.js';
import { podTemplate, Replica, type PodTemplate } from './support/replica.js';
import { serviceAccountKubeconfig } from './support/service-account.js';
import { caBundles, fingerprints, issuerIn, lease, LEASE, TLS_NAMESPACE, TLS_SECRET, tlsSecret, writers } from './support/self-managed.js';
import { ensureWebhook, webhook } from './support/suite.js';
import { eventually } from './support/wait.js';

const NS = 'e2e-tls';
/** The root hooks' probe namespace (support/hooks.ts), there until the suite ends. */
const PROBE_NS = 'e2e-probe';
const RENEW = 'nifi-ca-guard.io/renew';

// Shortened through the environment; the Deployment's flags are used as rendered. The rollout delay is
// at least 5 sync intervals, as the webhook requires.
const TIMING_ENV = {
  NIFI_CA_GUARD_TLS_SYNC_INTERVAL: '200ms',
  NIFI_CA_GUARD_TLS_ROLLOUT_DELAY: '3s',
  NIFI_CA_GUARD_TLS_CERT_VALIDITY: '30m',
  NIFI_CA_GUARD_TLS_CERT_RENEW_BEFORE: '1m',
  NIFI_CA_GUARD_TLS_CA_VALIDITY: '1h',
  NIFI_CA_GUARD_TLS_CA_RENEW_BEFORE: '2m',
  NIFI_CA_GUARD_LEASE_DURATION: '3s',
  NIFI_CA_GUARD_SHUTDOWN_DELAY_MS: '0',
  NIFI_CA_GUARD_SHUTDOWN_GRACE_MS: '1000',
};

function nifiPod(name: string): Pod {
  const p = parse(readFixture('nifi-pod.yaml')) as Pod;
  p.metadata.name = name;
  return p;
}

interface Admission {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

/**
 * Creates NiFi pods one after the other, `gapMs` apart, until `stop` resolves; each must be admitted
 * and mutated. Between two pods (no admission in flight) the balancer's connections are closed, so the
 * API server makes a fresh TLS handshake for each pod.
 */
async function podStream(prefix: string, stop: Promise<void>, balancer: Balancer, gapMs = 100): Promise<Admission[]> {
  const out: Admission[] = [];
  let done = false;
  void stop.then(() => (done = true));
  for (let i = 0; !done; i++) {
    const name = `${prefix}-${i}`;
    const started = Date.now();
    try {
      const stored = (await rawRequest('POST', `/api/v1/namespaces/${NS}/pods`, nifiPod(name))) as Pod;
      try {
        expectNifiMutated(stored);
        out.push({ name, ok: true, ms: Date.now() - started });
      } catch (err) {
        out.push({ name, ok: false, ms: Date.now() - started, error: `not mutated: ${(err as Error).message}` });
      }
    } catch (err) {
      out.push({ name, ok: false, ms: Date.now() - started, error: (err as Error).message.slice(0, 300) });
    }
    balancer.closeAll();
    await new Promise((r) => setTimeout(r, gapMs));
  }
  return out;
}

interface Sample {
  at: number;
  /** Each distinct caBundle the webhooks held, as fingerprint lists. */
  bundles: string[][];
  /** Per replica: the served certificate's serial and its issuer, and whether every caBundle trusts it. */
  served: Array<{ replica: string; serial: string; issuer: string | undefined; trusted: boolean; error?: string }>;
}

/**
 * Every ~100 ms: the caBundles from the API server, then a TLS handshake with each replica as the API
 * server makes it (verifying the chain against each caBundle and the name 127.0.0.1).
 */
function monitor(replicas: () => Replica[]): { stop(): Promise<Sample[]> } {
  const samples: Sample[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const at = Date.now();
      const { bundles } = await caBundles();
      const distinct = [...new Set(bundles)];
      const served: Sample['served'] = [];
      for (const r of replicas()) {
        for (const b of distinct) {
          const h = await r.handshake(b);
          const all = distinct.join('');
          served.push({ replica: r.name, serial: h.cert.serialNumber, issuer: issuerIn(h.cert, all), trusted: h.trusted, error: h.error });
        }
      }
      samples.push({ at, bundles: distinct.map(fingerprints), served });
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return samples;
    },
  };
}

/** `kubectl auth can-i` in the webhook's namespace, as its ServiceAccount. */
async function can(verb: string, resource: string): Promise<boolean> {
  const r = await kubectl(['-n', TLS_NAMESPACE, 'auth', 'can-i', verb, resource], { kubeconfig: await serviceAccountKubeconfig() });
  if (r.stdout.trim() === 'yes') return true;
  if (r.stdout.trim() === 'no') return false;
  throw new Error(`auth can-i ${verb} ${resource}: ${r.stdout} ${r.stderr}`);
}

const changeLines = (r: Replica): string[] =>
  r.records().map((x) => String(x.msg)).filter((m) => m.startsWith('TLS: ') || m === 'caBundle updated');

describe('e2e: self-managed TLS (Secret, caBundles, Lease, rotation)', function () {
  this.timeout(240_000);
  let template: PodTemplate;
  let kubeconfig: string;
  let balancer: Balancer | undefined;
  const replicas: Replica[] = [];
  const serving = (): Replica[] => replicas.filter((r) => r.running);
  const route = (): void => balancer!.setBackends(serving().map((r) => r.port));

  const replica = (podName: string): Replica => {
    const r = new Replica({ template, podName, kubeconfig, env: TIMING_ENV });
    replicas.push(r);
    return r;
  };

  before(async () => {
    // The suite's file-mode webhook holds the URL's port: stop it; the balancer takes the port.
    await webhook().stop();
    await kubectl(['-n', TLS_NAMESPACE, 'delete', 'secret', TLS_SECRET, '--ignore-not-found']);
    await kubectl(['-n', TLS_NAMESPACE, 'delete', 'lease', LEASE, '--ignore-not-found']);
    // A fresh install of the overlay as rendered: no caBundle anywhere (the suite's one is removed).
    const docs = await applyOverlay(webhook().url);
    template = podTemplate(docs as never);
    kubeconfig = await serviceAccountKubeconfig();
    balancer = await startBalancer(Number(new URL(webhook().url).port));
    await createNamespace(NS);
  });

  after(async () => {
    for (const r of replicas) await r.stop();
    await balancer?.close();
    await deleteNamespace(NS);
    // Back to what the other scenarios expect: the file-mode webhook with the suite's caBundle.
    await applyOverlay(webhook().url, webhook().caBundle);
    await ensureWebhook();
    await eventually('the API server to call the file-mode webhook again', async () => {
      const r = await kubectl(['-n', PROBE_NS, 'create', '--dry-run=server', '-o', 'json', '-f', fixture('nifi-pod.yaml')]);
      if (r.code !== 0) throw new Error(r.stderr.trim());
      expectNifiMutated(JSON.parse(r.stdout) as Pod);
      return true;
    }, { timeoutMs: 30_000 });
  });

  it('runs with the Deployment\'s own args: self-managed mode, the names of Secret, webhook configuration, Service and Lease', () => {
    expect(template.args).to.include.members(['serve', '--tls-mode=self-managed', `--tls-secret=${TLS_SECRET}`, '--webhook-configuration=nifi-ca-guard', '--service=nifi-ca-guard', `--lease=${LEASE}`, '--watch-policies']);
    expect(template.args.some((a) => a.startsWith('--tls-cert') || a.startsWith('--tls-key')), 'no certificate files').to.equal(false);
    expect(template.env.map((e) => [e.name, e.valueFrom?.fieldRef?.fieldPath ?? e.value])).to.deep.equal([
      ['POD_NAME', 'metadata.name'],
      ['POD_NAMESPACE', 'metadata.namespace'],
      // The injected init containers run the webhook's own image.
      ['NIFI_CA_GUARD_INIT_IMAGE', template.image],
      // Empty: the init image's own repository, any tag or digest (docs/security.md).
      ['NIFI_CA_GUARD_ALLOWED_INIT_IMAGES', ''],
    ]);
  });

  it('creates its Secret, sets every caBundle, and a NiFi pod is admitted and mutated: no manual step', async () => {
    const before = await caBundles();
    expect(before.bundles.every((b) => b === ''), 'the manifests set no caBundle').to.equal(true);
    const a = replica('nifi-ca-guard-5f7c9d-a');
    await a.start();
    await a.waitReady();
    route();

    const secret = (await tlsSecret())!;
    expect(secret.type).to.equal('kubernetes.io/tls');
    expect(Object.keys(secret.data).sort()).to.deep.equal(['ca-bundle.crt', 'ca.crt', 'ca.key', 'tls.crt', 'tls.key']);
    const { names, bundles } = await caBundles();
    expect(names.length, 'webhooks').to.be.at.least(2);
    for (const [i, b] of bundles.entries()) expect(fingerprints(b), `caBundle of ${names[i]}`).to.deep.equal(fingerprints(secret.data['ca-bundle.crt']!));
    const h = await a.handshake(bundles[0]!);
    expect(h.trusted, `the caBundle trusts the served certificate (${h.error ?? ''})`).to.equal(true);
    expect(h.cert.fingerprint256).to.equal(fingerprints(secret.data['tls.crt']!)[0]);
    expect((await lease())?.holderIdentity).to.equal(a.name);

    // The API server loads a changed webhook configuration asynchronously: the first real create may come a moment later.
    const stored = await eventually('a NiFi pod admitted through the self-managed certificate', async () => {
      try {
        return (await rawRequest('POST', `/api/v1/namespaces/${NS}/pods`, nifiPod('nifi-first'))) as Pod;
      } catch (err) {
        if (/failed calling webhook/.test((err as Error).message)) return undefined;
        throw err;
      }
    }, { timeoutMs: 20_000 });
    expectNifiMutated(stored);
    const logs = a.records();
    expect(logs.map((x) => x.msg)).to.include.members(['became leader', 'tls certificate loaded from the Secret', 'caBundle updated']);
    expect(JSON.stringify(logs), 'no PEM or key text in the log').to.not.match(/BEGIN|PRIVATE KEY|MII[A-Za-z0-9+/]{20}/);

    // `kubectl apply` of the same manifests leaves the caBundles alone (they never set one).
    await applyOverlay(webhook().url);
    expect((await caBundles()).bundles).to.deep.equal(bundles);
  });

  it('a second replica follows the Lease and serves the same certificate; only the leader writes', async () => {
    const [a] = replicas;
    const b = replica('nifi-ca-guard-5f7c9d-b');
    await b.start();
    await b.waitReady();
    route();
    const { bundles } = await caBundles();
    const [ha, hb] = [await a!.handshake(bundles[0]!), await b.handshake(bundles[0]!)];
    expect(hb.trusted).to.equal(true);
    expect(hb.cert.fingerprint256, 'both serve the Secret\'s certificate').to.equal(ha.cert.fingerprint256);
    expect((await lease())?.holderIdentity).to.equal(a!.name);
    expect(b.records().some((x) => x.msg === 'following the leader' && x.holder === a!.name), 'b follows a').to.equal(true);
    expect(changeLines(b), 'b wrote nothing').to.deep.equal([]);
    expect(writers((await tlsSecret())!).all, 'Secret written by a only').to.deep.equal([a!.name]);
  });

  it('the leader killed (SIGKILL): the other takes the Lease within its duration and writes from then on', async () => {
    const [a, b] = replicas;
    const before = await lease();
    const killedAt = Date.now();
    await a!.stop('SIGKILL');
    route();
    await eventually('b to hold the Lease', async () => ((await lease())?.holderIdentity === b!.name ? true : undefined), { timeoutMs: 15_000, intervalMs: 100 });
    const tookMs = Date.now() - killedAt;
    console.log(`      Lease taken over by ${b!.name} ${tookMs} ms after the leader was killed (lease duration 3 s)`);
    expect(tookMs, 'within lease duration + a retry or two').to.be.below(8_000);
    expect((await lease())?.leaseTransitions).to.equal((before?.leaseTransitions ?? 0) + 1);
    expect(b!.records().some((x) => x.msg === 'became leader')).to.equal(true);

    // The new leader acts: a serving-certificate renewal it performs.
    const old = (await tlsSecret())!.data['tls.crt'];
    await kubectlOk(['-n', TLS_NAMESPACE, 'annotate', 'secret', TLS_SECRET, `${RENEW}=leaf`, '--overwrite']);
    const renewed = await eventually('the serving certificate renewed by b', async () => {
      const s = (await tlsSecret())!;
      return s.data['tls.crt'] !== old && !s.metadata.annotations?.[RENEW] ? s : undefined;
    }, { timeoutMs: 15_000, intervalMs: 100 });
    expect(writers(renewed).last, 'the last write is b\'s').to.equal(b!.name);
    await eventually('b serves the renewed certificate', async () =>
      ((await b!.handshake((await caBundles()).bundles[0]!)).cert.fingerprint256 === fingerprints(renewed.data['tls.crt']!)[0] ? true : undefined), { timeoutMs: 10_000, intervalMs: 100 });

    // The lost pod comes back under a new name, as a ReplicaSet would recreate it; it follows.
    const c = replica('nifi-ca-guard-5f7c9d-c');
    await c.start();
    await c.waitReady();
    route();
    expect((await lease())?.holderIdentity).to.equal(b!.name);
  });

  async function rotate(kind: 'ca' | 'leaf'): Promise<{ admissions: Admission[]; samples: Sample[]; before: TlsSecretView; after: TlsSecretView; ms: number }> {
    const before = view((await tlsSecret())!);
    const servedBefore = await Promise.all(serving().map(async (r) => (await r.handshake(before.bundle)).cert.serialNumber));
    let finish: () => void = () => undefined;
    const stop = new Promise<void>((r) => (finish = r));
    const mon = monitor(serving);
    const stream = podStream(`tls-${kind}`, stop, balancer!);
    await new Promise((r) => setTimeout(r, 1000)); // pods admitted before the renewal, too
    const started = Date.now();
    await kubectlOk(['-n', TLS_NAMESPACE, 'annotate', 'secret', TLS_SECRET, `${RENEW}=${kind}`, '--overwrite']);
    const after = await eventually(`the ${kind} renewal to complete`, async () => {
      const s = view((await tlsSecret())!);
      const done =
        s.leaf !== before.leaf &&
        !s.annotations[RENEW] &&
        (kind === 'leaf' || (s.ca !== before.ca && fingerprints(s.bundle).length === 1)) &&
        (await caBundles()).bundles.every((b) => fingerprints(b).join() === fingerprints(s.bundle).join());
      if (!done) return undefined;
      const served = await Promise.all(serving().map(async (r) => (await r.handshake(s.bundle)).cert.fingerprint256));
      return served.every((f) => f === fingerprints(s.leaf)[0]) ? s : undefined;
    }, { timeoutMs: 60_000, intervalMs: 100 });
    const ms = Date.now() - started;
    await new Promise((r) => setTimeout(r, 1000)); // and after it
    finish();
    const [admissions, samples] = [await stream, await mon.stop()];
    const served = await Promise.all(serving().map(async (r) => (await r.handshake(after.bundle)).cert.serialNumber));
    served.forEach((s, i) => expect(s, `replica ${serving()[i]!.name} serves a new certificate`).to.not.equal(servedBefore[i]));
    return { admissions, samples, before, after, ms };
  }

  function expectNoFailure(admissions: Admission[], samples: Sample[]): void {
    const failed = admissions.filter((a) => !a.ok);
    expect(failed, `failed admissions: ${failed.map((f) => `${f.name}: ${f.error}`).join(' | ')}`).to.deep.equal([]);
    const untrusted = samples.flatMap((s) => s.served.filter((x) => !x.trusted).map((x) => `t=${s.at} ${x.replica} serial ${x.serial}: ${x.error}`));
    expect(untrusted, 'every handshake, with every caBundle the API server held at that moment, verified').to.deep.equal([]);
  }

  it('a forced CA rotation during a stream of pod creations fails none: caBundle old -> old+new -> new, every leaf trusted throughout', async () => {
    const { admissions, samples, before, after, ms } = await rotate('ca');
    const oldCa = fingerprints(before.ca)[0]!;
    const newCa = fingerprints(after.ca)[0]!;
    console.log(`      CA rotation took ${ms} ms; ${admissions.length} pods created during it, slowest ${Math.max(...admissions.map((a) => a.ms))} ms; ${samples.length} samples; balancer connections ${JSON.stringify(balancer!.connections())}`);
    expect(admissions.length, 'a steady stream').to.be.at.least(20);
    expectNoFailure(admissions, samples);
    // The caBundles went through exactly these states, in this order.
    const label = (b: string[]): string => b.map((f) => (f === oldCa ? 'old' : f === newCa ? 'new' : 'other')).sort().join('+');
    const states = samples.map((s) => s.bundles.map(label).join(' | '));
    expect(states.filter((s, i) => i === 0 || s !== states[i - 1])).to.deep.equal(['old', 'new+old', 'new']);
    // Before the switch the old CA's leaf was served while both were trusted; after it the new CA's leaf, still with both.
    const both = samples.filter((s) => s.bundles.every((b) => b.length === 2));
    expect(both.some((s) => s.served.every((x) => x.issuer === oldCa)), 'old leaf served under old+new').to.equal(true);
    expect(both.some((s) => s.served.every((x) => x.issuer === newCa)), 'new leaf served under old+new').to.equal(true);
    expect(samples.filter((s) => s.bundles.every((b) => b.length === 1 && b[0] === newCa)).every((s) => s.served.every((x) => x.issuer === newCa)), 'once only the new CA is trusted, only its leaf is served').to.equal(true);
  });

  it('a forced serving-certificate renewal during a stream fails none and never touches the caBundle', async () => {
    const { admissions, samples, before, after, ms } = await rotate('leaf');
    console.log(`      serving-certificate renewal took ${ms} ms; ${admissions.length} pods created during it`);
    expect(admissions.length).to.be.at.least(10);
    expectNoFailure(admissions, samples);
    expect(after.ca, 'same CA').to.equal(before.ca);
    expect(new Set(samples.map((s) => s.bundles.map((b) => b.join()).join('|'))).size, 'the caBundle never changed').to.equal(1);
    // The expiry gauge follows the certificate in use.
    const notAfter = Math.round(Date.parse(new X509Certificate(after.leaf).validTo) / 1000);
    for (const r of serving()) {
      const metrics = (await r.probe('/metrics')).body;
      expect(Number(/^nifi_ca_guard_tls_certificate_not_after_seconds (\S+)$/m.exec(metrics)?.[1]), `${r.name}: expiry gauge`).to.equal(notAfter);
    }
  });

  it('the ServiceAccount may do what self-managed TLS needs and no more (kubectl auth can-i)', async () => {
    const table: Array<[string, string, boolean]> = [
      ['create', 'secrets', true],
      ['get', `secrets/${TLS_SECRET}`, true],
      ['update', `secrets/${TLS_SECRET}`, true],
      ['get', 'secrets/nifi-ca-trust', false],
      ['list', 'secrets', false],
      ['delete', `secrets/${TLS_SECRET}`, false],
      ['get', `leases.coordination.k8s.io/${LEASE}`, true],
      ['update', `leases.coordination.k8s.io/${LEASE}`, true],
      ['update', 'leases.coordination.k8s.io/another', false],
      ['patch', 'mutatingwebhookconfigurations.admissionregistration.k8s.io/nifi-ca-guard', true],
      ['patch', 'mutatingwebhookconfigurations.admissionregistration.k8s.io/another', false],
      ['delete', 'mutatingwebhookconfigurations.admissionregistration.k8s.io/nifi-ca-guard', false],
    ];
    const got = await Promise.all(table.map(async ([verb, resource]) => can(verb, resource)));
    expect(table.map(([verb, resource], i) => `${verb} ${resource}: ${got[i]}`)).to.deep.equal(table.map(([verb, resource, want]) => `${verb} ${resource}: ${want}`));
  });
});

interface TlsSecretView {
  ca: string;
  leaf: string;
  bundle: string;
  annotations: Record<string, string>;
}

function view(s: NonNullable<Awaited<ReturnType<typeof tlsSecret>>>): TlsSecretView {
  return { ca: s.data['ca.crt']!, leaf: s.data['tls.crt']!, bundle: s.data['ca-bundle.crt']!, annotations: s.metadata.annotations ?? {} };
}
