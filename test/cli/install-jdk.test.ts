// hack/install-jdk.sh on a machine without Java, with apt-get and apt-cache stubbed: it must update
// the package lists first, install a headless JDK, and do nothing at all when the JDK is there.
import { expect } from 'chai';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from '../support/paths.js';
import { run } from '../support/run.js';

const SCRIPT = repoPath('hack', 'install-jdk.sh');

async function stubMachine(opts: { hasJdk: boolean; defaultJdk: boolean }): Promise<{ bin: string; log: string; root: string }> {
  const root = await mkdtemp(join(tmpdir(), 'ncg-jdk-'));
  const bin = join(root, 'bin');
  const log = join(root, 'apt.log');
  await mkdir(bin);
  // only what the script needs from the real system, never the real java
  for (const tool of ['bash', 'id', 'head', 'cat', 'chmod']) await symlink((await run('bash', ['-c', `command -v ${tool}`])).stdout.trim(), join(bin, tool));
  const jdkStub = `#!${join(bin, 'bash')}\necho 'openjdk version "17.0.0" (stub)' >&2\n`;
  await writeFile(join(root, 'jdk-stub'), jdkStub);
  // the stubbed install "installs" java, javac and keytool into the stub PATH
  const installJdk = `for t in java javac keytool; do cat ${join(root, 'jdk-stub')} > "${bin}/$t"; chmod +x "${bin}/$t"; done`;
  await writeFile(
    join(bin, 'apt-get'),
    `#!${join(bin, 'bash')}\necho "apt-get $*" >> ${log}\ncase "$*" in *install*) ${installJdk};; esac\n`,
  );
  await writeFile(join(bin, 'apt-cache'), `#!${join(bin, 'bash')}\necho "apt-cache $*" >> ${log}\n${opts.defaultJdk ? 'exit 0' : 'exit 100'}\n`);
  await writeFile(join(bin, 'sudo'), `#!${join(bin, 'bash')}\n"$@"\n`); // for runs as a normal user
  await chmod(join(bin, 'sudo'), 0o755);
  await chmod(join(bin, 'apt-get'), 0o755);
  await chmod(join(bin, 'apt-cache'), 0o755);
  if (opts.hasJdk) for (const t of ['java', 'javac', 'keytool']) {
    await writeFile(join(bin, t), jdkStub);
    await chmod(join(bin, t), 0o755);
  }
  await writeFile(log, '');
  return { bin, log, root };
}

describe('hack/install-jdk.sh', function () {
  this.timeout(30_000);
  const roots: string[] = [];
  after(async () => {
    for (const r of roots) await rm(r, { recursive: true, force: true });
  });

  it('without Java: apt-get update, then default-jdk-headless', async () => {
    const m = await stubMachine({ hasJdk: false, defaultJdk: true });
    roots.push(m.root);
    const r = await run(join(m.bin, 'bash'), [SCRIPT], { PATH: m.bin });
    expect(r.code, r.stderr).to.equal(0);
    const calls = (await readFile(m.log, 'utf8')).trim().split('\n');
    expect(calls[0]).to.equal('apt-get update -qq');
    expect(calls.at(-1)).to.equal('apt-get install -y -qq --no-install-recommends default-jdk-headless');
  });

  it('without Java and without default-jdk-headless: openjdk-17-jdk-headless', async () => {
    const m = await stubMachine({ hasJdk: false, defaultJdk: false });
    roots.push(m.root);
    const r = await run(join(m.bin, 'bash'), [SCRIPT], { PATH: m.bin });
    expect(r.code, r.stderr).to.equal(0);
    expect((await readFile(m.log, 'utf8')).trim().split('\n').at(-1)).to.equal('apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless');
  });

  it('with Java present: touches nothing', async () => {
    const m = await stubMachine({ hasJdk: true, defaultJdk: true });
    roots.push(m.root);
    const r = await run(join(m.bin, 'bash'), [SCRIPT], { PATH: m.bin });
    expect(r.code, r.stderr).to.equal(0);
    expect(await readFile(m.log, 'utf8')).to.equal('');
  });
});
