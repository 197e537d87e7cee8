// `ca init|rotate|prune --apply` and `ca inspect --secret` against a loopback stand-in for the
// Kubernetes API server (just the Secret endpoints), reached through a kubeconfig as kubectl would.
import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeKubeApi } from '../support/kube-api.js';
import { runCli } from '../support/cli.js';

describe('cli: ca --apply and inspect --secret against a (fake) API server', function () {
  this.timeout(120_000);
  const api = new FakeKubeApi();
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    await api.start();
    dir = await mkdtemp(join(tmpdir(), 'ncg-apply-'));
    env = { KUBECONFIG: await api.kubeconfig(dir), TOKEN: 'a-token-with-16-chars' };
  });
  after(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('init --apply creates the trust Secret, then the private one', async () => {
    const r = await runCli(['ca', 'init', '--apply', '-n', 'nifi', '--token-env', 'TOKEN'], { env });
    expect(r.code, r.stderr).to.equal(0);
    expect([...api.secrets.keys()].sort()).to.deep.equal(['nifi/nifi-ca-keystore', 'nifi/nifi-ca-trust']);
    const writes = api.calls.filter((c) => c.method === 'POST').map((c) => c.path);
    expect(writes).to.deep.equal(['/api/v1/namespaces/nifi/secrets', '/api/v1/namespaces/nifi/secrets']);
    expect((api.secrets.get('nifi/nifi-ca-trust')!.metadata as { namespace: string }).namespace).to.equal('nifi');
  });

  it('init --apply refuses to replace the pinned CA', async () => {
    const r = await runCli(['ca', 'init', '--apply', '-n', 'nifi', '--token-env', 'TOKEN'], { env });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/already exists in namespace nifi/);
  });

  it('rotate --apply replaces both Secrets (PUT), bundle first; inspect --secret shows both CAs', async () => {
    api.calls.length = 0;
    const r = await runCli(['ca', 'rotate', '--apply', '-n', 'nifi'], { env });
    expect(r.code, r.stderr).to.equal(0);
    expect(api.calls.filter((c) => c.method === 'PUT').map((c) => c.path)).to.deep.equal([
      '/api/v1/namespaces/nifi/secrets/nifi-ca-trust',
      '/api/v1/namespaces/nifi/secrets/nifi-ca-keystore',
    ]);
    const trust = await runCli(['ca', 'inspect', '--secret', 'nifi-ca-trust', '-n', 'nifi', '--json'], { env });
    expect(trust.code, trust.stderr).to.equal(0);
    const key = await runCli(['ca', 'inspect', '--secret', 'nifi-ca-keystore', '-n', 'nifi', '--json'], { env });
    expect(key.code, key.stderr).to.equal(0);
    const bundle = JSON.parse(trust.stdout) as { sha256: string }[];
    const pinned = JSON.parse(key.stdout) as { sha256: string; alias: string }[];
    expect(bundle).to.have.length(2);
    expect(pinned.map((p) => p.alias)).to.deep.equal(['nifi-key']);
    expect(bundle[1]!.sha256).to.equal(pinned[0]!.sha256);
  });

  it('prune --apply writes nothing while nothing expired', async () => {
    api.calls.length = 0;
    const r = await runCli(['ca', 'prune', '--apply', '-n', 'nifi'], { env });
    expect(r.code, r.stderr).to.equal(0);
    expect(api.calls.filter((c) => c.method !== 'GET')).to.deep.equal([]);
  });

  it('inspect --secret on a missing Secret is a one-line error', async () => {
    const r = await runCli(['ca', 'inspect', '--secret', 'nope', '-n', 'nifi'], { env });
    expect(r.code).to.equal(1);
    expect(r.stderr.trim()).to.equal('nifi-ca-guard: Secret nifi/nope not found');
  });

  it('an unreachable API server is a one-line error', async () => {
    const bad = join(dir, 'bad-kubeconfig');
    await writeFile(
      bad,
      'apiVersion: v1\nkind: Config\nclusters: [{name: x, cluster: {server: "http://127.0.0.1:1", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: x, user: u}}]\ncurrent-context: x\n',
    );
    const r = await runCli(['ca', 'prune', '--apply', '-n', 'nifi'], { env: { KUBECONFIG: bad } });
    expect(r.code).to.equal(1);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.match(/^nifi-ca-guard: cannot read Secret nifi\/nifi-ca-trust: /);
  });
});
