// The fingerprint drift, reproduced and fixed with real TLS on loopback: a Java client trusting only
// CA-1 cannot reach a server whose certificate CA-2 signed; with the truststore written from the
// bundle {CA-1, CA-2} it can; after `ca rotate`, servers of the old and the new CA are both trusted.
import { expect } from 'chai';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { parse } from 'yaml';
import type { CaMaterial } from '../../src/ca/generate.js';
import { certInfo } from '../../src/trust/cert.js';
import { readJks, recoverKey } from '../../src/trust/jks.js';
import { runCli } from '../support/cli.js';
import { makeCa, makeLeaf, type TestCa } from '../support/certs.js';
import { java, requireJava } from './java.js';

const STORETYPE = { pkcs12: 'PKCS12', jks: 'JKS' } as const;
const PASSWORD = 'changeit';

/** An https-like TLS server on 127.0.0.1, port chosen by the OS, presenting a leaf signed by `ca`. */
async function serverFor(ca: TestCa, now: Date): Promise<{ server: Server; port: number }> {
  const leaf = makeLeaf(ca, { now, subject: 'CN=localhost, OU=NIFI' });
  const server = createServer({ key: leaf.keyPem, cert: leaf.pem }, (socket) => socket.end('ok\n'));
  server.on('tlsClientError', () => {
    /* the failing handshakes are the point of some tests */
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('java: drift reproduced and fixed over TLS', function () {
  this.timeout(300_000);
  const now = new Date();
  // Same subject: exactly what a rescheduled nifi-ca produces.
  const ca1 = makeCa({ subject: 'CN=nifi-ca, OU=NIFI', now, key: 'rsa' });
  const ca2 = makeCa({ subject: 'CN=nifi-ca, OU=NIFI', now, key: 'rsa' });
  let dir: string;
  const servers: Server[] = [];
  let port2 = 0;

  const truststore = async (bundleText: string, type: 'pkcs12' | 'jks', name: string): Promise<string> => {
    const bundle = join(dir, `${name}.pem`);
    await writeFile(bundle, bundleText);
    const out = join(dir, `${name}.${type}`);
    const r = await runCli(['truststore', '--bundle', bundle, '--out', out, '--type', type, '--password-env', 'TP'], { env: { TP: PASSWORD } });
    expect(r.code, r.stderr).to.equal(0);
    return out;
  };
  const connect = (port: number, store: string, type: 'pkcs12' | 'jks') => java('Client.java', ['127.0.0.1', String(port), store, STORETYPE[type], PASSWORD]);

  before(async () => {
    await requireJava();
    dir = await mkdtemp(join(tmpdir(), 'ncg-drift-'));
    const s2 = await serverFor(ca2, now);
    servers.push(s2.server);
    port2 = s2.port;
  });
  after(async () => {
    for (const s of servers) await new Promise((ok) => s.close(ok));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const type of ['pkcs12', 'jks'] as const) {
    it(`${type}: trusting only CA-1, the handshake with a CA-2 server fails with Java's PKIX error`, async () => {
      const store = await truststore(ca1.pem, type, `only-ca1-${type}`);
      const r = await connect(port2, store, type);
      expect(r.code, r.stdout).to.equal(1);
      expect(r.stderr).to.match(/HANDSHAKE FAILED anchors=1/);
      expect(r.stderr).to.match(/PKIX path validation failed: .*Path does not chain with any of the trust anchors/);
    });

    it(`${type}: with the truststore written from the bundle {CA-1, CA-2}, it succeeds`, async () => {
      const store = await truststore(ca1.pem + ca2.pem, type, `both-${type}`);
      const r = await connect(port2, store, type);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^OK TLSv1\.[23] anchors=2 peer=CN=localhost, OU=NIFI/);
    });
  }

  it('after ca rotate, servers of the old CA and of the new CA are both trusted', async () => {
    const m = join(dir, 'pinned');
    const init = await runCli(['ca', 'init', '--dir', m, '--token-env', 'TOKEN', '--key-type', 'rsa'], { env: { TOKEN: 'a-token-with-16-chars' } });
    expect(init.code, init.stderr).to.equal(0);
    const caFromSecret = async (): Promise<TestCa> => {
      const secret = parse(await readFile(join(m, 'nifi-ca-keystore.yaml'), 'utf8')) as { data: Record<string, string> };
      const cfg = JSON.parse(Buffer.from(secret.data['config.json']!, 'base64').toString()) as { keyStore: string; keyStorePassword: string; keyPassword: string };
      const [entry] = readJks(Buffer.from(secret.data[cfg.keyStore]!, 'base64'), cfg.keyStorePassword);
      const privateKey: KeyObject = createPrivateKey({ key: recoverKey(entry!.protectedKey!, cfg.keyPassword), format: 'der', type: 'pkcs8' });
      const cert = entry!.certs[0]!;
      const material: CaMaterial = { cert, privateKey, publicKey: privateKey };
      return { ...material, subject: certInfo(cert).subject, pem: '' };
    };
    const bundleFromSecret = async (): Promise<string> => {
      const secret = parse(await readFile(join(m, 'nifi-ca-trust.yaml'), 'utf8')) as { data: Record<string, string> };
      return Buffer.from(secret.data['ca.crt']!, 'base64').toString('utf8');
    };

    const oldCa = await caFromSecret();
    const oldServer = await serverFor(oldCa, now);
    servers.push(oldServer.server);
    const bundleBefore = await bundleFromSecret();

    const rot = await runCli(['ca', 'rotate', '--dir', m, '--key-type', 'rsa']);
    expect(rot.code, rot.stderr).to.equal(0);
    const newCa = await caFromSecret();
    expect(certInfo(newCa.cert).sha256).not.to.equal(certInfo(oldCa.cert).sha256);
    const newServer = await serverFor(newCa, now);
    servers.push(newServer.server);

    // Without the rotated bundle: the drift (a node enrolled with the new CA is not trusted). ca rotate
    // numbers the new CA's CN, so Java finds no anchor of that name at all (a regenerated CA with the
    // old subject, above, gives the incident's "does not chain with any of the trust anchors" instead).
    expect(certInfo(newCa.cert).subject).to.equal('CN=nifi-ca #2, OU=NIFI');
    const stale = await truststore(bundleBefore, 'pkcs12', 'stale');
    const drift = await connect(newServer.port, stale, 'pkcs12');
    expect(drift.code).to.equal(1);
    expect(drift.stderr).to.match(/PKIX path building failed: .*unable to find valid certification path to requested target/);

    // With the rotated bundle: both generations are trusted, in both formats.
    for (const type of ['pkcs12', 'jks'] as const) {
      const store = await truststore(await bundleFromSecret(), type, `rotated-${type}`);
      for (const port of [oldServer.port, newServer.port]) {
        const r = await connect(port, store, type);
        expect(r.code, `${type} port ${port}: ${r.stderr}`).to.equal(0);
        expect(r.stdout).to.match(/anchors=2/);
      }
    }
  });
});
