import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startServe, type ServeProcess } from '../support/cli.js';
import { X509Certificate } from 'node:crypto';
import { postReview, request, servedCertificate } from '../support/https.js';
import { eventually } from '../support/wait.js';
import { exampleReview, repoPath } from '../support/paths.js';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const policy = (image: string): string =>
  `apiVersion: nifi-ca-guard.io/v1alpha1\nkind: NiFiTrustPolicy\nmetadata: {name: pinned}\nspec:\n  trustBundle:\n    initContainer: {image: "${image}"}\n`;

describe('cli: nifi-ca-guard serve (built CLI as a child process)', () => {
  let dir: string;
  let ca: string;
  let proc: ServeProcess | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'serve-cli-'));
    const res = await runCli(['certs', '--out', dir, '--days', '1']);
    expect(res.code, res.stderr).to.equal(0);
    ca = readFileSync(join(dir, 'ca.crt'), 'utf8');
  });

  afterEach(async () => {
    if (proc && proc.child.exitCode === null && proc.child.signalCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
    proc = undefined;
  });

  const tlsArgs = (): string[] => ['--tls-cert', join(dir, 'tls.crt'), '--tls-key', join(dir, 'tls.key')];

  it('serves /healthz and the example review, then exits 0 on SIGTERM', async () => {
    proc = await startServe(['--host', '127.0.0.1', '--port', '0', '--shutdown-delay-ms', '0', ...tlsArgs()]);
    const health = await request(proc.port, { path: '/healthz', ca });
    expect(health.status).to.equal(200);
    const review = JSON.parse(readFileSync(repoPath('examples', 'admission-review.json'), 'utf8'));
    const res = await postReview(proc.port, ca, review);
    expect(res.status, res.text).to.equal(200);
    expect(res.json().response.uid).to.equal(review.request.uid);
    // A client holding the wrong CA (a stale caBundle) shows up in the metrics and the log.
    const stale = (await runCli(['certs', '--out', join(dir, 'stale'), '--days', '1'])).code;
    expect(stale).to.equal(0);
    await request(proc.port, { path: '/healthz', ca: readFileSync(join(dir, 'stale', 'ca.crt'), 'utf8') }).catch(() => undefined);
    const p = proc;
    await eventually(async () => {
      const text = (await request(p.port, { path: '/metrics', ca })).text;
      expect(text).to.match(/^nifi_ca_guard_tls_handshake_failures_total 1$/m);
    });
    expect(proc.stderr()).to.include('tls handshake failed');
    proc.child.kill('SIGTERM');
    const exit = await proc.exited;
    expect(exit.code).to.equal(0);
    const msgs = exit.stderr.trim().split('\n').map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(msgs).to.include.members(['listening', 'admission', 'tls handshake failed', 'shutting down', 'stopped']);
    expect(exit.stderr).to.not.match(/BEGIN|apache\/nifi/);
  });

  it('injects init containers running the --init-image (the Deployment passes its own image by env)', async () => {
    proc = await startServe(['--host', '127.0.0.1', '--port', '0', '--shutdown-delay-ms', '0', ...tlsArgs()], { NIFI_CA_GUARD_INIT_IMAGE: 'registry.example.com/guard:7.7.7' });
    const review = JSON.parse(readFileSync(repoPath('examples', 'admission-review.json'), 'utf8'));
    const res = await postReview(proc.port, ca, review);
    expect(res.status, res.text).to.equal(200);
    const patch = JSON.parse(Buffer.from(res.json().response.patch as string, 'base64').toString('utf8')) as Array<{ path: string; value?: unknown }>;
    const images = JSON.stringify(patch).match(/"image":"[^"]+"/g) ?? [];
    expect(images).to.not.be.empty;
    expect(new Set(images)).to.deep.equal(new Set(['"image":"registry.example.com/guard:7.7.7"']));
  });

  it('on SIGTERM keeps answering for the shutdown delay with /readyz 503, then exits 0', async () => {
    proc = await startServe(['--host', '127.0.0.1', '--port', '0', '--shutdown-delay-ms', '4000', ...tlsArgs()]);
    const p = proc;
    p.child.kill('SIGTERM');
    await eventually(() => expect(p.stderr()).to.include('"msg":"shutting down"'));
    const ready = await request(p.port, { path: '/readyz', ca });
    expect(ready.status).to.equal(503);
    const res = await postReview(p.port, ca, exampleReview());
    expect(res.status).to.equal(200);
    expect(res.headers.connection).to.equal('close');
    expect((await p.exited).code).to.equal(0);
  });

  it('exits 0 on SIGINT too (no delay), and takes the port from the environment', async () => {
    proc = await startServe(tlsArgs(), { NIFI_CA_GUARD_PORT: '0', NIFI_CA_GUARD_HOST: '127.0.0.1' });
    expect((await request(proc.port, { path: '/readyz', ca })).status).to.equal(200);
    proc.child.kill('SIGINT');
    expect((await proc.exited).code).to.equal(0);
  });

  it('picks up certificates rewritten by `certs` while running, and exports their expiry', async () => {
    const own = mkdtempSync(join(tmpdir(), 'serve-reload-'));
    expect((await runCli(['certs', '--out', own, '--days', '2'])).code).to.equal(0);
    const oldCa = readFileSync(join(own, 'ca.crt'), 'utf8');
    proc = await startServe(['--host', '127.0.0.1', '--port', '0', '--reload-interval-ms', '50', '--tls-cert', join(own, 'tls.crt'), '--tls-key', join(own, 'tls.key')]);
    const port = proc.port;
    const expiry = async (): Promise<number> => {
      const text = (await request(port, { path: '/metrics', ca: [oldCa, readFileSync(join(own, 'ca.crt'), 'utf8')] })).text;
      return Number(/^nifi_ca_guard_tls_certificate_not_after_seconds (\S+)$/m.exec(text)?.[1]);
    };
    const notAfter = (file: string): number => Date.parse(new X509Certificate(readFileSync(file)).validTo) / 1000;
    expect(await expiry()).to.equal(notAfter(join(own, 'tls.crt')));

    expect((await runCli(['certs', '--out', own, '--days', '3'])).code).to.equal(0);
    const next = new X509Certificate(readFileSync(join(own, 'tls.crt')));
    const cas = [oldCa, readFileSync(join(own, 'ca.crt'), 'utf8')];
    await eventually(async () => {
      expect((await servedCertificate(port, cas)).fingerprint256).to.equal(next.fingerprint256);
    });
    expect(await expiry()).to.equal(notAfter(join(own, 'tls.crt')));
    expect(proc.stderr()).to.include('tls certificate reloaded');
    expect(proc.stderr()).to.not.match(/BEGIN/);
  });

  const failures: { name: string; args: () => string[]; env?: Record<string, string>; error: RegExp }[] = [
    { name: 'a missing certificate file', args: () => ['--tls-cert', join(dir, 'nope.crt'), '--tls-key', join(dir, 'tls.key')], error: /^nifi-ca-guard: TLS: .*nope\.crt: cannot read \(ENOENT\)$/ },
    { name: 'a key that does not match', args: () => ['--tls-cert', join(dir, 'ca.crt'), '--tls-key', join(dir, 'tls.key')], error: /^nifi-ca-guard: TLS: .*does not match the certificate$/ },
    { name: 'a bad port', args: () => ['--port', 'http', ...tlsArgs()], error: /^nifi-ca-guard: --port: must be an integer/ },
    { name: 'a missing policy file', args: () => ['--policy', join(dir, 'no-policy.yaml'), ...tlsArgs()], error: /^nifi-ca-guard: policy file .*no-policy\.yaml does not exist: pass the path of a NiFiTrustPolicy file / },
    {
      name: 'a kubeconfig that cannot be read, with --watch-policies',
      args: () => ['--watch-policies', ...tlsArgs()],
      env: { KUBECONFIG: '/nonexistent-ncg-kubeconfig' },
      error: /^nifi-ca-guard: --watch-policies: cannot load a kubeconfig: ENOENT/,
    },
  ];
  for (const f of failures) {
    it(`exits 1 with one line for ${f.name}`, async () => {
      const res = await runCli(['serve', '--host', '127.0.0.1', '--port', '0', ...f.args()], { env: f.env });
      expect(res.code, res.stderr).to.equal(1);
      expect(res.stderr.trim()).to.match(f.error);
      expect(res.stderr.trim().split('\n')).to.have.length(1);
    });
  }

  it('never prints kubeconfig text (tokens) when the kubeconfig is not valid YAML', async () => {
    const kubeconfig = join(dir, 'broken-kubeconfig');
    writeFileSync(kubeconfig, 'users:\n- name: u\n  user: {token: s3cr3t-tok}\nclusters: [\n');
    const res = await runCli(['serve', '--host', '127.0.0.1', '--port', '0', '--watch-policies', ...tlsArgs()], { env: { KUBECONFIG: kubeconfig } });
    expect(res.code, res.stderr).to.equal(1);
    expect(res.stderr.trim()).to.match(/^nifi-ca-guard: --watch-policies: cannot load a kubeconfig: /);
    expect(res.stderr).to.not.include('s3cr3t-tok');
  });

  it('exits 1 with one line for a policy file with invalid fields', async () => {
    const file = join(dir, 'bad-policy.yaml');
    writeFileSync(file, 'apiVersion: nifi-ca-guard.io/v1alpha1\nkind: NiFiTrustPolicy\nmetadata: {name: bad}\nspec:\n  placement: {mode: sometimes}\n');
    const res = await runCli(['serve', '--host', '127.0.0.1', '--port', '0', '--policy', file, ...tlsArgs()]);
    expect(res.code, res.stderr).to.equal(1);
    expect(res.stderr.trim()).to.match(/^nifi-ca-guard: invalid policy .*bad-policy\.yaml: spec\.placement\.mode: must be one of/);
    expect(res.stderr.trim().split('\n')).to.have.length(1);
  });

  it('exits 1 with one line when the port is taken', async () => {
    proc = await startServe(['--host', '127.0.0.1', '--port', '0', ...tlsArgs()]);
    const res = await runCli(['serve', '--host', '127.0.0.1', '--port', String(proc.port), ...tlsArgs()]);
    expect(res.code).to.equal(1);
    expect(res.stderr.trim().split('\n').pop()).to.match(/^nifi-ca-guard: cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\)$/);
  });

  // serve --allowed-init-images: a policy may only name init images the operator allows.
  describe('--allowed-init-images', () => {
    const injectedImages = async (port: number): Promise<Set<string>> => {
      const res = await postReview(port, ca, exampleReview());
      expect(res.status, res.text).to.equal(200);
      const patch = Buffer.from(res.json().response.patch as string, 'base64').toString('utf8');
      return new Set(patch.match(/"image":"[^"]+"/g) ?? []);
    };

    it('by default refuses a policy naming an image outside the webhook\'s own repository, with the field path', async () => {
      const file = join(dir, 'evil.yaml');
      writeFileSync(file, policy('evil.example.com/toolbox:latest'));
      const res = await runCli(['serve', '--host', '127.0.0.1', '--port', '0', '--policy', file, ...tlsArgs()], { env: { NIFI_CA_GUARD_INIT_IMAGE: 'registry.example.com/guard:1.0' } });
      expect(res.code, res.stderr).to.equal(1);
      expect(res.stderr.trim()).to.match(
        /^nifi-ca-guard: invalid policy .*evil\.yaml: spec\.trustBundle\.initContainer\.image: evil\.example\.com\/toolbox:latest is not allowed by the webhook's --allowed-init-images \(registry\.example\.com\/guard:\*, registry\.example\.com\/guard@\*\): /,
      );
    });

    it('serves a policy naming an allowed digest, and keeps it when an edit names a refused image', async () => {
      const file = join(dir, 'pinned.yaml');
      const good = `registry.example.com/guard@${DIGEST}`;
      writeFileSync(file, policy(good));
      proc = await startServe(
        ['--host', '127.0.0.1', '--port', '0', '--shutdown-delay-ms', '0', '--reload-interval-ms', '100', '--policy', file, '--allowed-init-images', 'registry.example.com/guard@sha256:*', ...tlsArgs()],
        { NIFI_CA_GUARD_INIT_IMAGE: good },
      );
      expect(await injectedImages(proc.port)).to.deep.equal(new Set([`"image":"${good}"`]));
      writeFileSync(file, policy('registry.example.com/guard:latest')); // a mutable tag of the same repository
      const p = proc;
      await eventually(() => expect(p.stderr()).to.include('policy rejected; keeping the last good policy'));
      expect(p.stderr()).to.match(/"issue":"spec\.trustBundle\.initContainer\.image: registry\.example\.com\/guard:latest is not allowed/);
      expect(await injectedImages(proc.port)).to.deep.equal(new Set([`"image":"${good}"`]));
    });

    it('refuses to start when its own --init-image is outside the allowlist', async () => {
      const res = await runCli(['serve', '--host', '127.0.0.1', '--port', '0', '--init-image', 'registry.example.com/guard:1.0', '--allowed-init-images', 'registry.example.com/guard@sha256:*', ...tlsArgs()]);
      expect(res.code, res.stderr).to.equal(1);
      expect(res.stderr.trim()).to.equal('nifi-ca-guard: --init-image: registry.example.com/guard:1.0 is not allowed by --allowed-init-images (registry.example.com/guard@sha256:*)');
    });
  });
});
