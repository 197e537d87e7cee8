// serve --allowed-init-images through the built CLI: a policy may only name init images the operator allows.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startServe, type ServeProcess } from '../support/cli.js';
import { postReview } from '../support/https.js';
import { exampleReview } from '../support/paths.js';
import { eventually } from '../support/wait.js';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const policy = (image: string): string =>
  `apiVersion: nifi-ca-guard.io/v1alpha1\nkind: NiFiTrustPolicy\nmetadata: {name: pinned}\nspec:\n  trustBundle:\n    initContainer: {image: "${image}"}\n`;

describe('cli: serve --allowed-init-images', () => {
  let dir: string;
  let ca: string;
  let proc: ServeProcess | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'serve-allowlist-'));
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
