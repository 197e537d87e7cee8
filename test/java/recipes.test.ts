// The recipes, proven end to end: each example's NiFi workload is mutated by its policy, the planned
// pod's init containers run in order on simulated volumes (ours through the built CLI; enrolment
// simulated with keytool exactly as `tls-toolkit.sh client` leaves its directory: truststore.jks with
// the CA as alias nifi-cert, and config.json holding the passwords), and then Java loads the store the
// NiFi container reads (found from its own script or env) and handshakes with servers signed by each CA.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { mutatePod } from '../../src/mutation/mutate.js';
import type { Json } from '../../src/mutation/pod.js';
import { enrolment, runsToolkit, scriptOf } from '../../src/mutation/recognise.js';
import { nifiContainers } from '../../src/mutation/targets.js';
import { loadPolicyFile } from '../../src/policy/load.js';
import { flatten } from '../../src/preview/preview.js';
import { parseObjects } from '../../src/preview/read.js';
import { findTemplate, podFromTemplate } from '../../src/preview/templates.js';
import { makeCa, makeLeaf, type TestCa } from '../support/certs.js';
import { repoPath } from '../support/paths.js';
import { java, keytool, keytoolSha256, requireJava } from './java.js';
import { envOf, mapper, materialise, runInit } from './kubelet.js';

const NIFI_HOME = '/opt/nifi/nifi-current';

/** The NiFi workload's pod, as the API server would see it in namespace nifi. */
async function nifiPod(release: string, ref: string): Promise<Json> {
  const objects = flatten(parseObjects(await readFile(repoPath(release), 'utf8'), release));
  const obj = objects.find((o) => `${String(o.kind)}/${String((o.metadata as Json).name)}` === ref);
  if (!obj) throw new Error(`${release} has no ${ref}`);
  const pod = structuredClone(podFromTemplate(findTemplate(obj)!));
  (pod.metadata as Json).namespace = 'nifi';
  return pod;
}

/** What `tls-toolkit.sh client` leaves in its directory, made with Java's keytool. */
async function enrolLikeTheToolkit(dir: string, configJson: string, ca: TestCa): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const password = randomBytes(16).toString('base64url'); // the client generates one per run
  const pem = join(dir, '..enrolment-ca.pem');
  await writeFile(pem, ca.pem);
  const r = await keytool(['-importcert', '-noprompt', '-alias', 'nifi-cert', '-file', pem, '-keystore', join(dir, 'truststore.jks'), '-storetype', 'JKS', '-storepass', password]);
  expect(r.code, r.stderr).to.equal(0);
  await rm(pem);
  const config = { keyStore: 'keystore.jks', keyStoreType: 'jks', keyStorePassword: 'k', keyPassword: 'k', trustStore: 'truststore.jks', trustStoreType: 'jks', trustStorePassword: password };
  await writeFile(configJson.startsWith('/') ? configJson : join(dir, configJson), JSON.stringify(config));
}

/** Runs the planned pod's init containers in order: ours for real, enrolment simulated, the rest (waits, chowns) skipped. */
async function runInitContainers(pod: Json, dirs: Map<string, string>, enrolmentCa: TestCa): Promise<string[]> {
  const ran: string[] = [];
  for (const c of ((pod.spec as Json).initContainers as Json[]) ?? []) {
    if (Array.isArray(c.command) && c.command[0] === 'nifi-ca-guard') {
      const r = await runInit(pod, String(c.name), dirs);
      expect(r.code, `${String(c.name)}: ${r.stderr}`).to.equal(0);
      ran.push(`${String(c.name)}: ${r.stdout.trim()}`);
    } else if (runsToolkit(c, 'client')) {
      const e = enrolment(c);
      expect(e?.dir, `where ${String(c.name)} enrols`).to.be.a('string');
      const map = mapper(c, dirs);
      await enrolLikeTheToolkit(map(e!.dir!), e!.configJson.startsWith('/') ? map(e!.configJson) : e!.configJson, enrolmentCa);
      ran.push(`${String(c.name)}: enrolled`);
    }
  }
  return ran;
}

interface Store {
  path: string;
  type: string;
  password: string;
}

/**
 * The truststore the NiFi container reads: TRUSTSTORE_* for the apache/nifi start script, else the
 * nifi.security.truststore its own script writes into nifi.properties (password via jq from config.json).
 */
async function storeNiFiReads(pod: Json, dirs: Map<string, string>): Promise<Store> {
  const nifi = nifiContainers(((pod.spec as Json).containers as Json[]), pod).targets[0]!;
  const map = mapper(nifi, dirs);
  const env = envOf(nifi, map);
  if (env.TRUSTSTORE_PATH) return { path: env.TRUSTSTORE_PATH, type: env.TRUSTSTORE_TYPE!, password: env.TRUSTSTORE_PASSWORD! };
  const script = scriptOf(nifi);
  const vars: Record<string, string> = { NIFI_HOME };
  for (const m of script.matchAll(/^\s*([A-Z_]+)=(\/\S+)\s*$/gm)) vars[m[1]!] = m[2]!;
  const expand = (s: string) => s.replace(/\$\{?([A-Z_]+)\}?/g, (_, v: string) => vars[v] ?? `$${v}`).replace(/^"|"$/g, '');
  const path = /nifi\.security\.truststore\s+("[^"]+"|\S+)/.exec(script);
  const type = /nifi\.security\.truststoreType\s+(\S+)/.exec(script);
  const pw = /nifi\.security\.truststorePasswd\s+"?\$\(jq -r \.(\w+) ([^)"\s]+)\)/.exec(script);
  if (!path || !type || !pw) throw new Error(`cannot tell which truststore container ${String(nifi.name)} reads`);
  const config = JSON.parse(await readFile(map(expand(pw[2]!)), 'utf8')) as Record<string, string>;
  return { path: map(expand(path[1]!)), type: type[1]!.toUpperCase(), password: config[pw[1]!]! };
}

describe('java: the recipes, run for real', function () {
  this.timeout(600_000);
  const now = new Date();
  const enrolCa = makeCa({ subject: 'CN=nifi-ca (enrolment), OU=NIFI', now, key: 'rsa' });
  const oldCa = makeCa({ subject: 'CN=nifi-ca (pinned), OU=NIFI', now, key: 'rsa' });
  const newCa = makeCa({ subject: 'CN=nifi-ca (rotated), OU=NIFI', now, key: 'rsa' });
  const strangerCa = makeCa({ subject: 'CN=someone else', now, key: 'rsa' });
  const servers: Server[] = [];
  const port = new Map<TestCa, number>();
  let root: string;

  before(async () => {
    await requireJava();
    root = await mkdtemp(join(tmpdir(), 'ncg-recipes-'));
    for (const ca of [enrolCa, oldCa, newCa, strangerCa]) {
      const leaf = makeLeaf(ca, { now });
      const server = createServer({ key: leaf.keyPem, cert: leaf.pem }, (s) => s.end());
      server.on('tlsClientError', () => {});
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      servers.push(server);
      port.set(ca, (server.address() as AddressInfo).port);
    }
  });
  after(async () => {
    for (const s of servers) await new Promise((ok) => s.close(ok));
    if (root) await rm(root, { recursive: true, force: true });
  });

  async function handshake(store: Store, ca: TestCa) {
    return java('Client.java', ['127.0.0.1', String(port.get(ca)), store.path, store.type, store.password]);
  }

  const recipes = [
    {
      name: 'cetic-helm-nifi (merge after cert-request, no change to the chart)',
      release: 'examples/cetic-helm-nifi/release.yaml',
      policy: 'examples/cetic-helm-nifi/policy.yaml',
      enrolmentCa: enrolCa,
      trusted: [enrolCa, oldCa, newCa],
      order: ['zookeeper', 'cert-request', 'nifi-ca-guard-trust-merge'],
    },
    {
      name: 'toolkit-client after the one change (merge after enrol)',
      release: 'examples/toolkit-client/release-enrol-init.yaml',
      policy: 'examples/toolkit-client/policy.yaml',
      enrolmentCa: enrolCa,
      trusted: [enrolCa, oldCa, newCa],
      order: ['enrol', 'nifi-ca-guard-trust-merge'],
    },
    {
      // Env wiring: the store is the bundle alone, so the enrolment CA is the pinned one it holds.
      name: 'apache-nifi-image (env wiring read by the start script, CA pinned)',
      release: 'examples/apache-nifi-image/release.yaml',
      policy: 'examples/apache-nifi-image/policy.yaml',
      enrolmentCa: oldCa,
      trusted: [oldCa, newCa],
      order: ['nifi-ca-guard-truststore', 'enrol'],
    },
  ];

  for (const r of recipes) {
    it(`${r.name}: NiFi's store trusts every CA once, stays so on restart, and trusts no stranger`, async () => {
      const pod = await nifiPod(r.release, 'StatefulSet/nifi');
      const result = mutatePod(pod, 'nifi', loadPolicyFile(repoPath(r.policy)));
      expect(result.role).to.equal('nifi');
      const planned = result.pod;
      expect(((planned.spec as Json).initContainers as Json[]).map((c) => c.name)).to.deep.equal(r.order);
      const theirs = (p: Json) => ((p.spec as Json).initContainers as Json[] ?? []).filter((c) => !String(c.name).startsWith('nifi-ca-guard'));
      expect(theirs(planned), "the release's own init containers, unchanged").to.deep.equal(theirs(pod));
      if (r.order.includes('nifi-ca-guard-trust-merge')) expect((planned.spec as Json).containers, "merge leaves the release's containers unchanged").to.deep.equal((pod.spec as Json).containers);
      const dirs = await materialise(planned, join(root, r.release.replace(/\W+/g, '-')), { 'nifi-ca-trust': { 'ca.crt': `# old and new\n${oldCa.pem}\n${newCa.pem}` } });

      const first = await runInitContainers(planned, dirs, r.enrolmentCa);
      expect(first.join('\n')).to.match(/merged 2 bundle CA|wrote .* 2 trusted/);
      const store = await storeNiFiReads(planned, dirs);
      for (const ca of r.trusted) {
        const c = await handshake(store, ca);
        expect(c.code, `${ca.subject}: ${c.stderr}`).to.equal(0);
        expect(c.stdout).to.match(new RegExp(`^OK .* anchors=${r.trusted.length} `));
      }
      const refused = await handshake(store, strangerCa);
      expect(refused.code, 'a CA outside enrolment and bundle must not be trusted').to.equal(1);
      expect(refused.stderr).to.match(/PKIX|certification path|trust anchor/i);

      // Only our step again (a restart of our init container alone), then the whole sequence again (a pod restart).
      const ours = r.order.find((n) => n.startsWith('nifi-ca-guard'))!;
      const again = await runInit(planned, ours, dirs);
      expect(again.code, again.stderr).to.equal(0);
      if (ours === 'nifi-ca-guard-trust-merge') expect(again.stdout).to.match(/unchanged/);
      await runInitContainers(planned, dirs, r.enrolmentCa);
      const restarted = await storeNiFiReads(planned, dirs); // enrolment chose a new password
      const listed = await keytool(['-list', '-v', '-keystore', restarted.path, '-storetype', restarted.type, '-storepass', restarted.password]);
      expect(listed.code, listed.stderr).to.equal(0);
      const prints = keytoolSha256(listed.stdout);
      expect(prints, 'each CA exactly once').to.have.length(r.trusted.length);
      expect(new Set(prints).size).to.equal(r.trusted.length);
    });
  }
});
