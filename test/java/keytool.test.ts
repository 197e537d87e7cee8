// Java accepts what we write: keytool counts exactly N trusted entries for a bundle of N CAs,
// with the fingerprints `ca inspect` prints; toolkit keystores open the way tls-toolkit opens them.
import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { certInfo } from '../../src/trust/cert.js';
import { runCli } from '../support/cli.js';
import { makeCa, makeLeaf } from '../support/certs.js';
import { java, keytool, keytoolSha256, requireJava } from './java.js';

const STORETYPE = { pkcs12: 'PKCS12', jks: 'JKS' } as const;

describe('java: keytool reads the truststores', function () {
  this.timeout(180_000);
  let dir: string;
  const now = new Date();
  const cas = [
    makeCa({ subject: 'CN=nifi-ca, OU=NIFI', now }),
    makeCa({ subject: 'CN=nifi-ca, OU=NIFI', now, key: 'rsa' }),
    makeCa({ subject: 'CN=other-ca, O=Example', now }),
    makeCa({ subject: 'CN=fourth', now, key: 'rsa' }),
  ];
  const env = { TRUSTSTORE_PASSWORD: 'changeit' };

  before(async () => {
    await requireJava();
    dir = await mkdtemp(join(tmpdir(), 'ncg-java-'));
  });
  after(async () => dir && rm(dir, { recursive: true, force: true }));

  for (const n of [1, 2, 4]) {
    for (const type of ['pkcs12', 'jks'] as const) {
      it(`a bundle of ${n} CA(s) gives exactly ${n} trustedCertEntry in ${type}`, async () => {
        const bundle = join(dir, `b${n}.pem`);
        // duplicates, comments and a leaf: none of them may become an entry
        await writeFile(bundle, `# ${n} CAs\n` + cas.slice(0, n).map((c) => c.pem).join('\n') + cas[0]!.pem + makeLeaf(cas[0]!, { now }).pem);
        const out = join(dir, `b${n}.${type}`);
        const w = await runCli(['truststore', '--bundle', bundle, '--out', out, '--type', type, '--password-env', 'TRUSTSTORE_PASSWORD'], { env });
        expect(w.code, w.stderr).to.equal(0);
        const r = await keytool(['-list', '-v', '-keystore', out, '-storetype', STORETYPE[type], '-storepass', 'changeit']);
        expect(r.code, r.stderr + r.stdout).to.equal(0);
        expect(r.stdout).to.include(`Your keystore contains ${n} entr`);
        expect((r.stdout.match(/Entry type: trustedCertEntry/g) ?? []).length).to.equal(n);
        expect(keytoolSha256(r.stdout).sort()).to.deep.equal(cas.slice(0, n).map((c) => certInfo(c.cert).sha256).sort());
      });
    }
  }

  it('--mac sha256: keytool reads it too (and shows the MAC algorithm)', async () => {
    const out = join(dir, 'sha256.p12');
    const w = await runCli(['truststore', '--bundle', join(dir, 'b4.pem'), '--out', out, '--mac', 'sha256', '--password-env', 'TRUSTSTORE_PASSWORD'], { env });
    expect(w.code, w.stderr).to.equal(0);
    const r = await keytool(['-list', '-keystore', out, '-storetype', 'PKCS12', '-storepass', 'changeit']);
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    expect(r.stdout).to.include('Your keystore contains 4 entries');
  });

  it('keytool rejects the pkcs12 store under a wrong password (the MAC is real)', async () => {
    const r = await keytool(['-list', '-keystore', join(dir, 'b2.pkcs12'), '-storetype', 'PKCS12', '-storepass', 'wrong-password']);
    expect(r.code).not.to.equal(0);
  });

  it('keytool rejects the jks store under a wrong password (the digest is real)', async () => {
    const r = await keytool(['-list', '-keystore', join(dir, 'b2.jks'), '-storetype', 'JKS', '-storepass', 'wrong-password']);
    expect(r.code).not.to.equal(0);
  });

  for (const ksType of ['jks', 'pkcs12'] as const) {
    for (const keyType of ['rsa', 'ecdsa'] as const) {
      it(`ca init (${ksType}, ${keyType}) then ca inspect: fingerprints match keytool's; Java opens nifi-key`, async () => {
        const m = join(dir, `init-${ksType}-${keyType}`);
        const init = await runCli(['ca', 'init', '--dir', m, '--keystore-type', ksType, '--key-type', keyType, '--token-env', 'TOKEN'], { env: { TOKEN: 'sixteen-characters!' } });
        expect(init.code, init.stderr).to.equal(0);
        const inspect = await runCli(['ca', 'inspect', '--json', join(m, 'nifi-ca-keystore.yaml')]);
        expect(inspect.code, inspect.stderr).to.equal(0);
        const [row] = JSON.parse(inspect.stdout) as { sha256: string; md5: string; serial: string; subject: string }[];
        // unpack the Secret as a pod would see it
        const secret = parse(await readFile(join(m, 'nifi-ca-keystore.yaml'), 'utf8')) as { data: Record<string, string> };
        const files = join(m, 'mounted');
        await mkdir(files);
        for (const [k, v] of Object.entries(secret.data)) await writeFile(join(files, k), Buffer.from(v, 'base64'));
        const cfg = JSON.parse(await readFile(join(files, 'config.json'), 'utf8')) as { keyStore: string; keyStorePassword: string; keyPassword: string };
        const ks = join(files, cfg.keyStore);
        const list = await keytool(['-list', '-v', '-keystore', ks, '-storetype', STORETYPE[ksType], '-storepass', cfg.keyStorePassword]);
        expect(list.code, list.stderr + list.stdout).to.equal(0);
        expect(list.stdout).to.match(/Alias name: nifi-key/);
        expect(list.stdout).to.match(/Entry type: PrivateKeyEntry/);
        expect(keytoolSha256(list.stdout)).to.deep.equal([row!.sha256]);
        expect(list.stdout).to.include(`Serial number: ${row!.serial}`);
        // the public bundle: keytool -printcert on ca.crt
        const trust = parse(await readFile(join(m, 'nifi-ca-trust.yaml'), 'utf8')) as { data: Record<string, string> };
        await writeFile(join(files, 'ca.crt'), Buffer.from(trust.data['ca.crt']!, 'base64'));
        const printed = await keytool(['-printcert', '-file', join(files, 'ca.crt')]);
        expect(printed.code, printed.stderr).to.equal(0);
        expect(keytoolSha256(printed.stdout)).to.deep.equal([row!.sha256]);
        const kc = await java('KeyCheck.java', [ks, STORETYPE[ksType], cfg.keyStorePassword, cfg.keyPassword, 'nifi-key']);
        expect(kc.code, kc.stderr).to.equal(0);
        expect(kc.stdout).to.match(/^OK SHA256with(RSA|ECDSA) entries=1 ca=true subject=CN=nifi-ca, OU=NIFI/);
      });
    }
  }

  it('ca inspect on a keytool-written JKS truststore (as tls-toolkit client leaves on NiFi pods)', async () => {
    const pem = join(dir, 'jks-one.pem');
    await writeFile(pem, cas[2]!.pem);
    const store = join(dir, 'keytool.jks');
    const imp = await keytool(['-importcert', '-noprompt', '-alias', 'nifi-cert', '-file', pem, '-keystore', store, '-storetype', 'JKS', '-storepass', 'changeit']);
    expect(imp.code, imp.stderr + imp.stdout).to.equal(0);
    const r = await runCli(['ca', 'inspect', store, '--password-env', 'TRUSTSTORE_PASSWORD', '--json'], { env });
    expect(r.code, r.stderr).to.equal(0);
    const rows = JSON.parse(r.stdout) as { alias: string; kind: string; sha256: string; serial: string }[];
    expect(rows.map((x) => [x.alias, x.kind, x.sha256])).to.deep.equal([['nifi-cert', 'trusted', certInfo(cas[2]!.cert).sha256]]);
    await writeFile(join(dir, 'wrong-pw'), 'not-the-password\n');
    const wrong = await runCli(['ca', 'inspect', store, '--password-file', join(dir, 'wrong-pw')]);
    expect(wrong.code).to.equal(1);
    expect(wrong.stderr).to.match(/integrity check failed/);
  });

  // Stores keytool writes (what NiFi pods may already hold): ca inspect reads them like keytool does.
  const protections: [string, string[]][] = [
    ['Java 17 default (PBES2, AES-256)', []],
    ['PBEWithSHA1AndDESede', ['-J-Dkeystore.pkcs12.certProtectionAlgorithm=PBEWithSHA1AndDESede']],
    ['PBEWithSHA1AndRC2_40 (Java 8 before 8u301; RC2 from node-forge)', ['-J-Dkeystore.pkcs12.certProtectionAlgorithm=PBEWithSHA1AndRC2_40']],
  ];
  protections.forEach(([name, flags], i) => {
    it(`ca inspect on a keytool-written PKCS12 store: ${name}`, async () => {
      const pem = join(dir, 'one.pem');
      await writeFile(pem, cas[1]!.pem);
      const store = join(dir, `keytool-${i}.p12`);
      const imp = await keytool(['-importcert', '-noprompt', '-alias', 'nifi-cert', '-file', pem, '-keystore', store, '-storetype', 'PKCS12', '-storepass', 'changeit', ...flags]);
      expect(imp.code, imp.stderr + imp.stdout).to.equal(0);
      const r = await runCli(['ca', 'inspect', store, '--password-env', 'TRUSTSTORE_PASSWORD', '--json'], { env });
      expect(r.code, r.stderr).to.equal(0);
      const rows = JSON.parse(r.stdout) as { alias: string; kind: string; sha256: string }[];
      expect(rows.map((x) => [x.alias, x.kind, x.sha256])).to.deep.equal([['nifi-cert', 'trusted', certInfo(cas[1]!.cert).sha256]]);
    });
  });
});
