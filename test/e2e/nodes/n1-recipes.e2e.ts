// The two recipes, run for real on the nodes: each recipe's policy (examples/<recipe>/policy.yaml, as a
// NiFiTrustPolicy for the test's namespace), its CA pinned with `nifi-ca-guard ca init --apply`, and pods
// built like the recipe's (test/e2e/fixtures/nodes/) on the stand-in images (hack/standins): a nifi-ca
// that restores its key from the Secret, NiFi pods that enrol with it, then load the truststore the way
// NiFi would (TRUSTSTORE_* through the start script; config.json's path and password for cetic) and
// handshake with each other. Then the whole rotation of docs/ca-pinning.md, pod by pod: the pinned CA
// survives a reschedule with its fingerprint, and after `ca rotate` every node trusts the old and the new
// CA, shown by Java handshakes with servers signed by each. Checked with kubectl logs and exec only.
import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { createNamespace, deleteNamespace, fixture, type Pod } from '../support/cluster.js';
import { REPO_ROOT } from '../support/env.js';
import { getJson, kubectl, kubectlOk } from '../support/kubectl.js';
import { eventually } from '../support/wait.js';
import { cliOk } from './support/cli.js';
import { exec, logs, replacePod, waitRunning, type RunningPod } from './support/nodes.js';
import { restrictedViolations } from './support/restricted.js';

interface Recipe {
  id: string;
  title: string;
  example: string;
  fixture: string;
  token: string;
  caSelector: string;
  nifiSelector: string;
  nifiContainer: string;
  enrolContainer: string;
  /** The init container the webhook injects into NiFi pods for this recipe's wiring. */
  injected: string;
  httpsPort: number;
}

const RECIPES: Recipe[] = [
  {
    id: 'image',
    title: "the image recipe (the apache/nifi start script reads TRUSTSTORE_*)",
    example: 'apache-nifi-image',
    fixture: 'nodes/image-recipe.yaml',
    token: 'nifi-ca-shared-token-2024',
    caSelector: 'app=nifi-ca',
    nifiSelector: 'app=nifi',
    nifiContainer: 'nifi',
    enrolContainer: 'enrol',
    injected: 'nifi-ca-guard-truststore',
    httpsPort: 8443,
  },
  {
    id: 'cetic',
    title: "the cetic recipe (the server script reads certs/truststore.jks with config.json's password)",
    example: 'cetic-helm-nifi',
    fixture: 'nodes/cetic-recipe.yaml',
    token: 'sixteenCharacters',
    caSelector: 'app=ca-ca,release=nifi',
    nifiSelector: 'app=nifi,release=nifi',
    nifiContainer: 'server',
    enrolContainer: 'cert-request',
    injected: 'nifi-ca-guard-trust-merge',
    httpsPort: 9443,
  },
];

const NIFI_SH = '/opt/nifi/nifi-current/bin/nifi.sh';
const CA_LINE = /nifi-ca stand-in: CA "([^"]*)" sha256=([0-9A-Fa-f:]+) \((restored from config\.json|new key)\)/;
const ENROLLED = /enrolled "([^"]*)" with CA "([^"]*)" sha256=([0-9A-Fa-f:]+)/;

const norm = (fp: string): string => fp.toUpperCase();

/** The fingerprints of the CA certificates in the trust bundle Secret, in order. */
async function bundle(ns: string): Promise<string[]> {
  const s = await getJson<{ data: Record<string, string> }>(['-n', ns, 'secret', 'nifi-ca-trust']);
  const pem = Buffer.from(s.data['ca.crt'] ?? '', 'base64').toString('utf8');
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((c) => norm(new X509Certificate(c).fingerprint256));
}

/** What the running nifi-ca pod said about its CA at start. */
async function caStarted(ns: string, r: Recipe): Promise<{ pod: RunningPod; subject: string; fingerprint: string; how: string }> {
  const [pod] = await waitRunning(ns, r.caSelector, 1);
  const m = CA_LINE.exec(await logs(ns, pod!.metadata.name, 'ca'));
  if (!m) throw new Error(`nifi-ca ${pod!.metadata.name} logged no CA line`);
  return { pod: pod!, subject: m[1]!, fingerprint: norm(m[2]!), how: m[3]! };
}

/** The CA a NiFi pod's enrolment step enrolled with (its init container's log). */
async function enrolledWith(ns: string, r: Recipe, pod: string): Promise<string> {
  const m = ENROLLED.exec(await logs(ns, pod, r.enrolContainer));
  if (!m) throw new Error(`${pod}: no enrolment line in ${r.enrolContainer}'s log`);
  return norm(m[3]!);
}

/** `nifi.sh probe` in `from`'s NiFi container against `target` (HOST:PORT): the stores NiFi reads. */
async function probe(ns: string, r: Recipe, from: string, target: string): Promise<{ ok: boolean; line: string }> {
  const res = await exec(ns, from, r.nifiContainer, [NIFI_SH, 'probe', target]);
  const line = res.out.split('\n').find((l) => l.startsWith('handshake ')) ?? res.out.trim();
  return { ok: res.code === 0 && /^handshake OK /.test(line), line };
}

async function nifiPods(ns: string, r: Recipe): Promise<RunningPod[]> {
  return (await waitRunning(ns, r.nifiSelector, 2)).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

const target = (p: RunningPod, r: Recipe): string => `${p.status?.podIP}:${r.httpsPort}`;

for (const r of RECIPES) {
  describe(`nodes: ${r.title}`, function () {
    const ns = `e2e-${r.id}`;
    let ca1 = '';

    before(async function () {
      this.timeout(120_000);
      await createNamespace(ns);
      // The policy of the recipe, for this namespace (as its README says for another namespace).
      const policy = parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', r.example, 'policy.yaml'), 'utf8')) as {
        metadata: { name: string };
        spec: { namespaces: string[] };
      };
      policy.metadata.name = ns;
      policy.spec.namespaces = [ns];
      await kubectlOk(['apply', '-f', '-'], { input: stringify(policy) });
      await cliOk(['ca', 'init', '--apply', '-n', ns, '--token-env', 'NIFI_CA_TOKEN', '--subject', 'CN=nifi-ca 1, OU=NIFI'], { NIFI_CA_TOKEN: r.token });
      [ca1] = await bundle(ns) as [string];
      // The webhook follows NiFiTrustPolicy objects live: wait until a NiFi pod and a CA pod of this
      // namespace are governed (the CA's labels may reach the webhook only once the leader has added
      // the policy's entries to the webhook configuration).
      const workloads = fs.readFileSync(fixture(r.fixture), 'utf8').split(/^---$/m).filter((d) => /kind: (StatefulSet|Deployment)/.test(d)).map((d) => parse(d) as {
        kind: string;
        spec: { template: Pod };
      });
      expect(workloads.map((w) => w.kind).sort()).to.deep.equal(['Deployment', 'StatefulSet']);
      for (const w of workloads) {
        const probePod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'policy-probe', labels: w.spec.template.metadata.labels }, spec: w.spec.template.spec };
        await eventually(`policy ${ns} in force for a ${w.kind} pod`, async () => {
          const res = await kubectl(['-n', ns, 'create', '--dry-run=server', '-o', 'json', '-f', '-'], { input: JSON.stringify(probePod) });
          if (res.code !== 0) throw new Error(res.stderr.trim());
          return (JSON.parse(res.stdout) as Pod).metadata.annotations?.['nifi-ca-guard.io/policy'] === ns ? true : undefined;
        }, { timeoutMs: 30_000 });
      }
      await kubectlOk(['-n', ns, 'apply', '-f', fixture(r.fixture)]);
    });
    after(async function () {
      this.timeout(60_000);
      if (process.env.E2E_KEEP_NAMESPACES) return; // to look at the pods afterwards (docs/e2e.md)
      await kubectl(['delete', 'nifitrustpolicy', ns, '--wait=false']);
      await deleteNamespace(ns);
    });

    it('runs the pods as the recipe builds them, mutated and Pod Security "restricted"', async () => {
      const ca = await caStarted(ns, r);
      const nifi = await nifiPods(ns, r);
      for (const p of [ca.pod, ...nifi]) {
        expect(restrictedViolations(p), p.metadata.name).to.deep.equal([]);
        expect(p.metadata.annotations?.['nifi-ca-guard.io/policy'], p.metadata.name).to.equal(ns);
      }
      expect(ca.pod.spec.initContainers?.map((c) => c.name)).to.include('nifi-ca-guard-ca-restore');
      for (const p of nifi) expect(p.spec.initContainers?.map((c) => c.name)).to.include(r.injected);
      // nifi-ca anti-affinity: never on a NiFi node.
      expect(nifi.map((p) => p.spec.nodeName)).to.not.include(ca.pod.spec.nodeName);
    });

    it('starts nifi-ca from the pinned key, and NiFi pods enrol with it and handshake with each other', async () => {
      const ca = await caStarted(ns, r);
      expect(ca.how).to.equal('restored from config.json');
      expect(ca.fingerprint).to.equal(ca1);
      const [a, b] = await nifiPods(ns, r) as [RunningPod, RunningPod];
      for (const p of [a, b]) expect(await enrolledWith(ns, r, p.metadata.name), p.metadata.name).to.equal(ca1);
      console.log(`      ${r.injected}: ${(await logs(ns, a.metadata.name, r.injected)).trim().split('\n').pop()}`);
      for (const [from, to] of [[a, b], [b, a]] as const) {
        const res = await probe(ns, r, from.metadata.name, target(to, r));
        console.log(`      ${from.metadata.name} -> ${to.metadata.name}: ${res.line}`);
        expect(res.ok, res.line).to.equal(true);
      }
    });

    it('keeps the pinned CA fingerprint when nifi-ca is deleted and rescheduled', async () => {
      const before = await caStarted(ns, r);
      await replacePod(ns, before.pod.metadata.name, r.caSelector, 1);
      const after = await caStarted(ns, r);
      console.log(`      nifi-ca ${before.pod.metadata.name} on ${before.pod.spec.nodeName} -> ${after.pod.metadata.name} on ${after.pod.spec.nodeName}: sha256=${after.fingerprint} (${after.how})`);
      expect(after.pod.metadata.uid).to.not.equal(before.pod.metadata.uid);
      expect(after.how).to.equal('restored from config.json');
      expect(after.fingerprint).to.equal(before.fingerprint);
    });

    it('after `ca rotate`, every NiFi node trusts the old and the new CA: handshakes with servers of each', async () => {
      await cliOk(['ca', 'rotate', '--apply', '-n', ns, '--subject', 'CN=nifi-ca 2, OU=NIFI']);
      const fps = await bundle(ns);
      expect(fps).to.have.length(2);
      expect(fps[0]).to.equal(ca1);
      const ca2 = fps[1]!;
      let [a, b] = await nifiPods(ns, r) as [RunningPod, RunningPod];
      // docs/ca-pinning.md, pod by pod: a NiFi node restarts (trusts both, enrols with the old CA still
      // running), then nifi-ca restarts on the new key, then the other NiFi node restarts and enrols with it.
      await replacePod(ns, b.metadata.name, r.nifiSelector, 2);
      [a, b] = await nifiPods(ns, r) as [RunningPod, RunningPod];
      expect(await enrolledWith(ns, r, b.metadata.name)).to.equal(ca1);
      const caBefore = await caStarted(ns, r);
      await replacePod(ns, caBefore.pod.metadata.name, r.caSelector, 1);
      const ca = await caStarted(ns, r);
      expect(ca.fingerprint, 'nifi-ca after the rotation').to.equal(ca2);
      // Node a still runs from before the rotation: its truststore holds the old CA only.
      const stale = await probe(ns, r, a.metadata.name, `${ca.pod.status?.podIP}:9090`);
      console.log(`      ${a.metadata.name} (started before the rotation) -> nifi-ca on the new key: ${stale.line}`);
      expect(stale.ok, 'a node that was not restarted must not trust the new CA').to.equal(false);
      expect(stale.line).to.match(/PKIX|trust|certification path/i);
      await replacePod(ns, a.metadata.name, r.nifiSelector, 2);
      [a, b] = await nifiPods(ns, r) as [RunningPod, RunningPod];
      const enrolled = new Map([[a.metadata.name, await enrolledWith(ns, r, a.metadata.name)], [b.metadata.name, await enrolledWith(ns, r, b.metadata.name)]]);
      const newNode = [a, b].find((p) => enrolled.get(p.metadata.name) === ca2)!;
      const oldNode = [a, b].find((p) => enrolled.get(p.metadata.name) === ca1)!;
      expect(newNode, 'a node enrolled with the new CA').to.not.equal(undefined);
      expect(oldNode, 'a node enrolled with the old CA').to.not.equal(undefined);
      for (const [from, to, issuer] of [[oldNode, newNode, 'CN=nifi-ca 2'], [newNode, oldNode, 'CN=nifi-ca 1']] as const) {
        const res = await probe(ns, r, from.metadata.name, target(to, r));
        console.log(`      ${from.metadata.name} -> ${to.metadata.name} (signed by ${issuer}): ${res.line}`);
        expect(res.ok, res.line).to.equal(true);
        expect(res.line).to.include(issuer);
      }
    });
  });
}
