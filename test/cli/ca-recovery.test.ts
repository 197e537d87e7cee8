// `ca --dir` after interruptions and next to other runs: the lock's messages, resuming a half-done
// init, repairing a bundle that lost the active CA, a -n that contradicts the files; and the message
// for a cluster command with no cluster configured.
import { expect } from 'chai';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { dirState, errorLines } from '../support/ca-state.js';
import { runCli, spawnCli } from '../support/cli.js';

const TOKEN = { TOKEN: 'a-token-with-16-chars' };

describe('cli: ca --dir recovery, lock and namespace; ca with no cluster', function () {
  this.timeout(120_000);
  let dir: string;
  let n = 0;
  const fresh = async (): Promise<string> => {
    const d = join(dir, `d${n++}`);
    const r = await runCli(['ca', 'init', '--dir', d, '-n', 'nifi', '--key-type', 'ecdsa', '--token-env', 'TOKEN'], { env: TOKEN });
    expect(r.code, r.stderr).to.equal(0);
    return d;
  };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ncg-recovery-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('a held lock: another command refuses with one line naming the lock and how to remove a stale one', async () => {
    const d = await fresh();
    const lock = join(d, '.nifi-ca-guard.lock');
    // held by a live process (this one)
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), since: '2026-01-01T00:00:00.000Z' }));
    const r = await runCli(['ca', 'rotate', '--dir', d]);
    expect(r.code).to.equal(1);
    expect(errorLines(r)).to.deep.equal([
      `nifi-ca-guard: another ca command holds ${lock} (pid ${process.pid} on ${(await import('node:os')).hostname()} since 2026-01-01T00:00:00.000Z); wait for it to finish and re-run, or if none is running, remove it with rm ${lock}`,
    ]);
    // left by a process that is gone: said to be stale
    await writeFile(lock, JSON.stringify({ pid: 2 ** 22 + 7, since: '2026-01-01T00:00:00.000Z' }));
    const stale = await runCli(['ca', 'prune', '--dir', d]);
    expect(stale.code).to.equal(1);
    expect(errorLines(stale)).to.deep.equal([`nifi-ca-guard: ${lock} is a stale lock (pid ${2 ** 22 + 7} since 2026-01-01T00:00:00.000Z, which is no longer running): remove it with rm ${lock} and re-run`]);
    await rm(lock);
    const ok = await runCli(['ca', 'rotate', '--dir', d, '--key-type', 'ecdsa']);
    expect(ok.code, ok.stderr).to.equal(0);
    expect((await import('node:fs/promises').then((fs) => fs.readdir(d))).sort()).to.deep.equal(['nifi-ca-keystore.yaml', 'nifi-ca-trust.yaml']);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`a rotation stopped by ${signal} while it holds the lock leaves no lock, and a consistent pair`, async () => {
      const d = await fresh();
      const lock = join(d, '.nifi-ca-guard.lock');
      // RSA 4096: key generation keeps the command busy while it holds the lock.
      const child = spawnCli(['ca', 'rotate', '--dir', d, '--key-size', '4096'], { stdio: 'ignore' });
      const exited = new Promise<NodeJS.Signals | null>((ok) => child.on('exit', (_code, sig) => ok(sig)));
      while (!(await stat(lock).then(() => true, () => false))) await new Promise((r) => setTimeout(r, 10));
      child.kill(signal);
      expect(await exited).to.equal(signal);
      await stat(lock).then(
        () => expect.fail('the lock was left behind'),
        () => undefined,
      );
      const st = await dirState(d);
      expect(st.bundle).to.include(st.active);
    });
  }

  it('an init interrupted after the bundle (no private Secret yet) resumes without --force, keeping the bundle', async () => {
    const d = await fresh();
    const before = await dirState(d);
    await rm(join(d, 'nifi-ca-keystore.yaml')); // the state an init killed between its two writes leaves
    const r = await runCli(['ca', 'init', '--dir', d, '--key-type', 'ecdsa', '--token-env', 'TOKEN'], { env: TOKEN });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.match(/warning: Secret nifi-ca-trust .* exists without nifi-ca-keystore \(an interrupted ca init or adopt, or a bundle made by hand\): the new CA is added to it/);
    const st = await dirState(d);
    expect(st.bundle).to.deep.equal([before.active, st.active]);
    // the namespace the bundle's file named, not -n's default
    expect(parse(await readFile(join(d, 'nifi-ca-keystore.yaml'), 'utf8')).metadata.namespace).to.equal('nifi');
  });

  it('prune puts the active CA back into a bundle that lost it', async () => {
    const d = await fresh();
    const st = await dirState(d);
    const path = join(d, 'nifi-ca-trust.yaml');
    const trust = parse(await readFile(path, 'utf8'));
    const other = await runCli(['ca', 'init', '--dir', join(dir, 'other'), '--key-type', 'ecdsa', '--token-env', 'TOKEN'], { env: TOKEN });
    expect(other.code).to.equal(0);
    trust.data['ca.crt'] = parse(await readFile(join(dir, 'other', 'nifi-ca-trust.yaml'), 'utf8')).data['ca.crt'];
    await writeFile(path, stringify(trust));
    const r = await runCli(['ca', 'prune', '--dir', d]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.match(/warning: the bundle lacked the active CA \(SHA-256 [0-9A-F:]+\); it is back in/);
    const after = await dirState(d);
    expect(after.bundle).to.include(st.active);
    expect(after.bundle).to.have.length(2);
  });

  it('-n that contradicts the files in --dir is refused with one line; without -n the files decide', async () => {
    const d = await fresh();
    const before = await readFile(join(d, 'nifi-ca-keystore.yaml'), 'utf8');
    const r = await runCli(['ca', 'rotate', '-n', 'other', '--dir', d]);
    expect(r.code).to.equal(1);
    expect(errorLines(r)).to.deep.equal([`nifi-ca-guard: -n other contradicts Secret nifi-ca-trust (${join(d, 'nifi-ca-trust.yaml')}), which is in namespace nifi; drop -n, or pass -n nifi`]);
    expect(await readFile(join(d, 'nifi-ca-keystore.yaml'), 'utf8')).to.equal(before);
    expect((await runCli(['ca', 'rotate', '-n', 'nifi', '--dir', d, '--key-type', 'ecdsa'])).code).to.equal(0);
    expect((await runCli(['ca', 'prune', '--dir', d])).code).to.equal(0);
  });

  it('ca inspect --secret with no kubeconfig says no cluster is configured and what to do', async () => {
    const home = join(dir, 'home');
    const r = await runCli(['ca', 'inspect', '--secret', 'nifi-ca-trust'], { env: { KUBECONFIG: '', HOME: home } });
    expect(r.code).to.equal(1);
    expect(errorLines(r)).to.deep.equal([
      `nifi-ca-guard: no Kubernetes cluster configured: KUBECONFIG is not set, ${join(home, '.kube', 'config')} does not exist and this is not a pod; set KUBECONFIG (or kubectl config use-context), or use a FILE (a Secret manifest, bundle or keystore)`,
    ]);
    const rot = await runCli(['ca', 'rotate', '--apply'], { env: { KUBECONFIG: '', HOME: home } });
    expect(errorLines(rot)[0]).to.match(/^nifi-ca-guard: no Kubernetes cluster configured: .* or use --dir DIR \(manifest files\)$/);
  });

  it('ca inspect shows notBefore and marks the active CA in the bundle; warns when the bundle lacks it', async () => {
    const d = await fresh();
    expect((await runCli(['ca', 'rotate', '--dir', d, '--key-type', 'ecdsa'])).code).to.equal(0);
    const st = await dirState(d);
    const text = await runCli(['ca', 'inspect', join(d, 'nifi-ca-trust.yaml')]);
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout.match(/\(active\)/g)).to.have.length(1);
    expect(text.stdout).to.match(/^secret\/nifi-ca-trust\/ca\.crt \(cert, CA\) \(active\)\n  subject:   CN=nifi-ca #2, OU=NIFI$/m);
    expect(text.stdout).to.match(/^  notBefore: \d{4}-\d\d-\d\dT/m);
    const json = JSON.parse((await runCli(['ca', 'inspect', join(d, 'nifi-ca-trust.yaml'), '--json'])).stdout) as { sha256: string; active: boolean; notBefore: string }[];
    expect(json.filter((r) => r.active).map((r) => r.sha256)).to.deep.equal([st.active]);
    // A bundle without the active CA: a warning saying so and what puts it back.
    const path = join(d, 'nifi-ca-trust.yaml');
    const trust = parse(await readFile(path, 'utf8'));
    const pem = Buffer.from(trust.data['ca.crt'], 'base64').toString();
    trust.data['ca.crt'] = Buffer.from(pem.slice(0, pem.indexOf('-----END CERTIFICATE-----') + 26)).toString('base64');
    await writeFile(path, stringify(trust));
    const lacking = await runCli(['ca', 'inspect', path]);
    expect(lacking.code).to.equal(0);
    expect(lacking.stderr).to.match(/warning: secret\/nifi-ca-trust lacks the active CA of secret\/nifi-ca-keystore \(SHA-256 [0-9A-F:]+\): NiFi pods would not trust nifi-ca; ca prune puts it back/);
  });
});
