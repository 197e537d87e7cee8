// truststore --merge against the real thing: keytool makes the truststore exactly as `tls-toolkit.sh
// client` leaves it (nifi-cert, a random password in config.json); the merge adds the bundle; keytool
// lists it and Java's TLS stack, loading it with the config.json password, trusts every CA's servers.
import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { certInfo } from '../../src/trust/cert.js';
import { aliasFor } from '../../src/trust/fingerprint.js';
import { runCli } from '../support/cli.js';
import { makeCa, makeLeaf, type TestCa } from '../support/certs.js';
import { java, keytool, keytoolSha256, requireJava } from './java.js';

// Like the toolkit's generated passwords: base64, with characters a shell or JSON writer could mangle.
const PW = 'q3+Zk/8vR1tYw0xNf2LhAg';

describe('java: truststore --merge into a toolkit-made truststore', function () {
  this.timeout(300_000);
  const now = new Date();
  const enrol = makeCa({ subject: 'CN=nifi-ca, OU=NIFI', now, key: 'rsa' });
  const b1 = makeCa({ subject: 'CN=nifi-ca, OU=NIFI', now, key: 'rsa' }); // same DN, other key: the drifted CA
  const b2 = makeCa({ subject: 'CN=corp-root, O=Example', now });
  const outsider = makeCa({ subject: 'CN=outsider', now, key: 'rsa' });
  let dir: string;
  const servers = new Map<TestCa, { server: Server; port: number }>();

  async function serve(ca: TestCa): Promise<void> {
    const leaf = makeLeaf(ca, { now });
    const server = createServer({ key: leaf.keyPem, cert: leaf.pem }, (s) => s.end());
    server.on('tlsClientError', () => {});
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    servers.set(ca, { server, port: (server.address() as AddressInfo).port });
  }

  /** keytool -list -v: aliases and SHA-256 fingerprints, in listing order. */
  async function list(store: string, type: 'JKS' | 'PKCS12'): Promise<{ aliases: string[]; sha256: string[]; trustedEntries: number }> {
    const r = await keytool(['-list', '-v', '-keystore', store, '-storetype', type, '-storepass', PW]);
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    return {
      aliases: [...r.stdout.matchAll(/^Alias name: (.*)$/gm)].map((m) => m[1]!).sort(),
      sha256: keytoolSha256(r.stdout).sort(),
      trustedEntries: (r.stdout.match(/Entry type: trustedCertEntry/g) ?? []).length,
    };
  }

  async function handshake(ca: TestCa, store: string, type: 'JKS' | 'PKCS12', password: string) {
    return java('Client.java', ['127.0.0.1', String(servers.get(ca)!.port), store, type, password]);
  }

  before(async () => {
    await requireJava();
    dir = await mkdtemp(join(tmpdir(), 'ncg-java-merge-'));
    await writeFile(join(dir, 'enrolment-ca.pem'), enrol.pem);
    await writeFile(join(dir, 'bundle.pem'), `# the shared bundle: both CAs the cluster has had\n${b1.pem}\n${b2.pem}`);
    for (const ca of [enrol, b1, b2, outsider]) await serve(ca);
  });
  after(async () => {
    for (const { server } of servers.values()) await new Promise((ok) => server.close(ok));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const sha = (ca: TestCa) => certInfo(ca.cert).sha256;

  it('JKS from tls-toolkit client + config.json: merged, listed once each, unchanged on a second run, trusted by Java TLS', async () => {
    const certs = join(dir, 'certs');
    await mkdir(certs);
    const store = join(certs, 'truststore.jks');
    const imp = await keytool(['-importcert', '-noprompt', '-alias', 'nifi-cert', '-keystore', store, '-storetype', 'JKS', '-storepass', PW, '-file', join(dir, 'enrolment-ca.pem')]);
    expect(imp.code, imp.stderr + imp.stdout).to.equal(0);
    const config = join(certs, 'config.json');
    await writeFile(config, JSON.stringify({ keyStore: 'keystore.jks', keyStoreType: 'jks', keyStorePassword: 'other-1', keyPassword: 'other-2', trustStore: 'truststore.jks', trustStoreType: 'jks', trustStorePassword: PW }, null, 2));

    // exactly the init container's arguments
    const args = ['truststore', '--merge', '--bundle', join(dir, 'bundle.pem'), '--out', store, '--type', 'jks', '--password-file', config, '--password-json-key', 'trustStorePassword'];
    const r = await runCli(args);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^merged 2 bundle CA\(s\) into .*truststore\.jks \(jks\): 3 trusted: /);
    const want = { aliases: [aliasFor(b1.cert), aliasFor(b2.cert), 'nifi-cert'].sort(), sha256: [sha(enrol), sha(b1), sha(b2)].sort(), trustedEntries: 3 };
    expect(await list(store, 'JKS')).to.deep.equal(want);

    const merged = await readFile(store);
    const again = await runCli(args);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.match(/already trusts every bundle CA \(2\); unchanged/);
    expect((await readFile(store)).equals(merged)).to.equal(true);
    expect(await list(store, 'JKS')).to.deep.equal(want);

    // NiFi's view: the store, its type and the password from config.json
    const password = (JSON.parse(await readFile(config, 'utf8')) as { trustStorePassword: string }).trustStorePassword;
    for (const ca of [enrol, b1, b2]) {
      const c = await handshake(ca, store, 'JKS', password);
      expect(c.code, `${ca.subject}: ${c.stderr}`).to.equal(0);
      expect(c.stdout).to.match(/^OK .* anchors=3/);
    }
    const refused = await handshake(outsider, store, 'JKS', password);
    expect(refused.code, 'a CA in neither the store nor the bundle stays untrusted').to.equal(1);
    expect(refused.stderr).to.match(/HANDSHAKE FAILED anchors=3/);
  });

  // keytool-made PKCS12 truststores, as the toolkit writes them with -T PKCS12 on each Java.
  const protections: [string, string[]][] = [
    ['Java 17 default (PBES2, AES-256; HmacPBESHA256 MAC)', []],
    ['PBEWithSHA1AndDESede', ['-J-Dkeystore.pkcs12.certProtectionAlgorithm=PBEWithSHA1AndDESede']],
    ['PBEWithSHA1AndRC2_40 (Java 8 before 8u301)', ['-J-Dkeystore.pkcs12.certProtectionAlgorithm=PBEWithSHA1AndRC2_40', '-J-Dkeystore.pkcs12.macAlgorithm=HmacPBESHA1']],
  ];
  protections.forEach(([name, flags], i) => {
    it(`PKCS12 made by keytool, ${name}: merged, re-read by keytool, trusted by Java TLS`, async () => {
      const store = join(dir, `truststore-${i}.p12`);
      const imp = await keytool(['-importcert', '-noprompt', '-alias', 'nifi-cert', '-keystore', store, '-storetype', 'PKCS12', '-storepass', PW, '-file', join(dir, 'enrolment-ca.pem'), ...flags]);
      expect(imp.code, imp.stderr + imp.stdout).to.equal(0);
      const env = { TRUSTSTORE_PASSWORD: PW };
      const args = ['truststore', '--merge', '--bundle', join(dir, 'bundle.pem'), '--out', store, '--type', 'pkcs12', '--password-env', 'TRUSTSTORE_PASSWORD'];
      const r = await runCli(args, { env });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^merged 2 bundle CA\(s\) into .* \(pkcs12\): 3 trusted: /);
      const want = { aliases: [aliasFor(b1.cert), aliasFor(b2.cert), 'nifi-cert'].sort(), sha256: [sha(enrol), sha(b1), sha(b2)].sort(), trustedEntries: 3 };
      expect(await list(store, 'PKCS12')).to.deep.equal(want);
      const merged = await readFile(store);
      const again = await runCli(args, { env });
      expect(again.stdout).to.match(/unchanged/);
      expect((await readFile(store)).equals(merged)).to.equal(true);
      for (const ca of [enrol, b2]) {
        const c = await handshake(ca, store, 'PKCS12', PW);
        expect(c.code, `${ca.subject}: ${c.stderr}`).to.equal(0);
        expect(c.stdout).to.match(/^OK .* anchors=3/);
      }
    });
  });

  it('a keytool keystore holding a private key is refused, and left as it was', async () => {
    const store = join(dir, 'keystore.p12');
    const gen = await keytool(['-genkeypair', '-alias', 'nifi-key', '-keyalg', 'RSA', '-keysize', '2048', '-dname', 'CN=node', '-keystore', store, '-storetype', 'PKCS12', '-storepass', PW, '-validity', '2']);
    expect(gen.code, gen.stderr + gen.stdout).to.equal(0);
    const before = await readFile(store);
    const r = await runCli(['truststore', '--merge', '--bundle', join(dir, 'bundle.pem'), '--out', store, '--type', 'pkcs12', '--password-env', 'TRUSTSTORE_PASSWORD'], { env: { TRUSTSTORE_PASSWORD: PW } });
    expect(r.code).to.equal(1);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.match(/holds a private key entry \(nifi-key\): only truststores can be merged/);
    expect((await readFile(store)).equals(before)).to.equal(true);
  });
});
