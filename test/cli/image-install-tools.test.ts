// hack/image/install-tools.sh on a machine with apt-get stubbed: it installs exactly the missing tools
// (waiting for another job's dpkg lock rather than failing), nothing when all are there, and refuses
// without root. The real install runs in `make image`.
import { expect } from 'chai';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from '../support/paths.js';
import { run } from '../support/run.js';

const SCRIPT = repoPath('hack', 'image', 'install-tools.sh');
const TOOLS = { podman: 'podman', runc: 'runc', mmdebstrap: 'mmdebstrap', strip: 'binutils', 'dpkg-deb': 'dpkg' } as const;
type Tool = keyof typeof TOOLS;

async function machine(opts: { has: Tool[]; uid?: number }): Promise<{ bin: string; log: string; root: string }> {
  const root = await mkdtemp(join(tmpdir(), 'ncg-tools-'));
  const bin = join(root, 'bin');
  const log = join(root, 'apt.log');
  await mkdir(bin);
  for (const tool of ['bash', 'dirname', 'cat', 'chmod']) await symlink((await run('bash', ['-c', `command -v ${tool}`])).stdout.trim(), join(bin, tool));
  const stub = (name: string) => `cat > ${join(bin, name)} <<'X'\n#!${join(bin, 'bash')}\necho "${name} stub"\nX\nchmod +x ${join(bin, name)}\n`;
  const write = async (name: string, text: string) => {
    await writeFile(join(bin, name), `#!${join(bin, 'bash')}\n${text}`);
    await chmod(join(bin, name), 0o755);
  };
  await write('id', `echo ${opts.uid ?? 0}\n`);
  // "installs" each package's tool into the stub PATH
  const installs = (Object.keys(TOOLS) as Tool[]).map((t) => `case " $* " in *" ${TOOLS[t]} "*) ${stub(t)};; esac`).join('\n');
  await write('apt-get', `echo "apt-get $*" >> ${log}\ncase "$*" in *install*)\n${installs}\n;; esac\n`);
  for (const t of opts.has) await write(t, 'echo stub\n');
  await writeFile(log, '');
  return { bin, log, root };
}

describe('hack/image/install-tools.sh', function () {
  this.timeout(30_000);
  const roots: string[] = [];
  after(async () => {
    for (const r of roots) await rm(r, { recursive: true, force: true });
  });

  const cases: Array<{ name: string; has: Tool[]; apt: string[] }> = [
    {
      name: 'a fresh machine: apt-get update, then podman, runc, mmdebstrap, binutils and dpkg',
      has: [],
      apt: [
        'apt-get -o DPkg::Lock::Timeout=600 update -qq',
        'apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends podman runc mmdebstrap binutils dpkg',
      ],
    },
    {
      name: 'podman without runc (crun only): runc alone',
      has: ['podman', 'mmdebstrap', 'strip', 'dpkg-deb'],
      apt: ['apt-get -o DPkg::Lock::Timeout=600 update -qq', 'apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends runc'],
    },
    { name: 'everything there: touches nothing', has: ['podman', 'runc', 'mmdebstrap', 'strip', 'dpkg-deb'], apt: [] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const m = await machine({ has: c.has });
      roots.push(m.root);
      const r = await run(join(m.bin, 'bash'), [SCRIPT], { PATH: m.bin });
      expect(r.code, r.stderr).to.equal(0);
      expect((await readFile(m.log, 'utf8')).split('\n').filter(Boolean)).to.deep.equal(c.apt);
    });
  }

  it('not root: one line naming what is missing, exit 1, no apt-get', async () => {
    const m = await machine({ has: ['podman', 'strip', 'dpkg-deb'], uid: 1000 });
    roots.push(m.root);
    const r = await run(join(m.bin, 'bash'), [SCRIPT], { PATH: m.bin });
    expect(r.code).to.equal(1);
    expect(r.stderr.trim()).to.equal('install-tools.sh: needs root for apt-get and rootful podman; missing: runc mmdebstrap');
    expect(await readFile(m.log, 'utf8')).to.equal('');
  });
});
