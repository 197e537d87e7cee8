// What the webhook injects, run for real: the planned pods' init containers are executed by a tiny
// "kubelet" (./kubelet.ts) with their exact args and env, paths mapped onto temporary directories.
// Then Java reads the result the way NiFi and the toolkit would.
import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { parse } from 'yaml';
import { mutatePod } from '../../src/mutation/mutate.js';
import type { Json } from '../../src/mutation/pod.js';
import { policyWith } from '../support/policy.js';
import { runCli } from '../support/cli.js';
import { makeCa, makeLeaf } from '../support/certs.js';
import { java, requireJava } from './java.js';
import { envOf, mapper, materialise, runInit } from './kubelet.js';

describe('java: the injected init containers, run for real', function () {
  this.timeout(300_000);
  const now = new Date();
  const ca1 = makeCa({ subject: 'CN=nifi-ca, OU=NIFI', now, key: 'rsa' });
  const ca2 = makeCa({ subject: 'CN=nifi-ca, OU=NIFI', now, key: 'rsa' });
  let root: string;
  let server: Server;
  let port = 0;

  before(async () => {
    await requireJava();
    root = await mkdtemp(join(tmpdir(), 'ncg-pod-'));
    const leaf = makeLeaf(ca2, { now });
    server = createServer({ key: leaf.keyPem, cert: leaf.pem }, (s) => s.end());
    server.on('tlsClientError', () => {});
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise((ok) => server.close(ok));
    if (root) await rm(root, { recursive: true, force: true });
  });

  for (const format of ['pkcs12', 'jks'] as const) {
    it(`NiFi pod (${format}): the truststore init container's output is what the NiFi container's env points Java at`, async () => {
      const policy = policyWith({ trustBundle: { format } });
      const pod: Json = { metadata: { name: 'nifi-0', labels: { app: 'nifi' } }, spec: { containers: [{ name: 'nifi', image: 'apache/nifi:1.28.1' }] } };
      const mutated = mutatePod(pod, 'nifi', policy).pod;
      const dirs = await materialise(mutated, join(root, `nifi-${format}`), { 'nifi-ca-trust': { 'ca.crt': `# drifted cluster\n${ca1.pem}\n${ca2.pem}` } });
      const r = await runInit(mutated, 'nifi-ca-guard-truststore', dirs);
      expect(r.code, r.stderr).to.equal(0);
      const nifi = ((mutated.spec as Json).containers as Json[])[0]!;
      const env = envOf(nifi, mapper(nifi, dirs));
      expect(env.TRUSTSTORE_TYPE).to.equal(format === 'pkcs12' ? 'PKCS12' : 'JKS');
      const c = await java('Client.java', ['127.0.0.1', String(port), env.TRUSTSTORE_PATH!, env.TRUSTSTORE_TYPE!, env.TRUSTSTORE_PASSWORD!]);
      expect(c.code, c.stderr).to.equal(0);
      expect(c.stdout).to.match(/^OK .* anchors=2/);
    });
  }

  it('nifi-ca pod with caPinning: the restore init container leaves what the toolkit loads', async () => {
    // the private Secret, as `ca init` writes it
    const m = join(root, 'manifests');
    const init = await runCli(['ca', 'init', '--dir', m, '--token-env', 'TOKEN'], { env: { TOKEN: 'sixteen-chars-token' } });
    expect(init.code, init.stderr).to.equal(0);
    const secret = parse(await readFile(join(m, 'nifi-ca-keystore.yaml'), 'utf8')) as { data: Record<string, string> };
    const data = Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, 'base64')]));

    const policy = policyWith({ caPinning: { enabled: true } });
    const pod: Json = {
      metadata: { name: 'nifi-ca-0', labels: { app: 'nifi-ca' } },
      spec: { containers: [{ name: 'ca', image: 'apache/nifi-toolkit:1.28.1', args: ['tls-toolkit.sh', 'server', '--configJson', 'config.json', '--useConfigJson'] }] },
    };
    const mutated = mutatePod(pod, 'nifi', policy).pod;
    const dirs = await materialise(mutated, join(root, 'ca'), { 'nifi-ca-keystore': data });
    const r = await runInit(mutated, 'nifi-ca-guard-ca-restore', dirs);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^restored nifi-ca-keystore\.jks and config\.json to .*: CA CN=nifi-ca, OU=NIFI SHA-256 /);

    // the toolkit container: its workingDir is the restored emptyDir
    const ca = ((mutated.spec as Json).containers as Json[])[0]!;
    const workDir = mapper(ca, dirs)(String(ca.workingDir));
    const cfg = JSON.parse(await readFile(join(workDir, 'config.json'), 'utf8')) as { keyStore: string; keyStoreType: string; keyStorePassword: string; keyPassword: string };
    const k = await java('KeyCheck.java', [join(workDir, cfg.keyStore), cfg.keyStoreType.toUpperCase(), cfg.keyStorePassword, cfg.keyPassword, 'nifi-key']);
    expect(k.code, k.stderr).to.equal(0);
    expect(k.stdout).to.match(/^OK SHA256withRSA entries=1 ca=true/);
  });
});
