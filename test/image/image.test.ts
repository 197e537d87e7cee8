// The image `make image` built, run the way a hardened pod runs it (hack/image/run.sh: read-only root,
// no capabilities, no privilege gain, no network, the image's own user): its config and labels, what is
// (and is not) inside, and the commands the webhook and its init containers run. `make image-test`.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certInfo } from '../../src/trust/cert.js';
import { parsePem } from '../../src/trust/pem.js';
import { makeCa } from '../support/certs.js';
import { repoPath } from '../support/paths.js';
import { run, type Run } from '../support/run.js';
import { keytool, keytoolSha256, requireJava } from '../java/java.js';

const PKG = JSON.parse(await readFile(repoPath('package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
const IMAGE = `localhost/nifi-ca-guard:${PKG.version}`;
const BARE = `docker.io/library/nifi-ca-guard:${PKG.version}`;
const ARCHIVE = repoPath('.build', 'image', `nifi-ca-guard-${PKG.version}.tar`);
const MAX_BYTES = 200_000_000;
const NONROOT = 65532;

const podman = (args: string[], timeout = 120_000): Promise<Run> => run('bash', [repoPath('hack', 'image', 'podman.sh'), ...args], {}, undefined, timeout);
/** podman run, hardened; `flags` go before the image, `args` after it. */
const hardened = (flags: string[], args: string[]): Promise<Run> => run('bash', [repoPath('hack', 'image', 'run.sh'), ...flags, IMAGE, ...args], {}, undefined, 120_000);

interface Entry {
  mode: string;
  owner: string;
  size: number;
  path: string;
  target?: string;
}

/** `tar -tv --numeric-owner` lines of the image's root filesystem. */
function parseListing(text: string): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  for (const line of text.split('\n').filter(Boolean)) {
    const m = /^(\S+) (\S+)\s+(\d+) \S+ \S+ (.+?)(?: -> (.+))?$/.exec(line);
    if (!m) throw new Error(`unexpected tar line: ${line}`);
    const path = m[4]!.replace(/^\.\//, '').replace(/\/$/, '');
    entries.set(path, { mode: m[1]!, owner: m[2]!, size: Number(m[3]), path, ...(m[5] ? { target: m[5] } : {}) });
  }
  return entries;
}

describe(`image ${IMAGE}`, function () {
  this.timeout(300_000);
  let dir: string;
  let files: Map<string, Entry>;
  let mainJs: string;
  let config: { User: string; Entrypoint: string[]; Cmd: string[]; WorkingDir: string; Env: string[]; Labels: Record<string, string> };

  before(async () => {
    const exists = await podman(['image', 'exists', IMAGE]);
    if (exists.code !== 0) throw new Error(`${IMAGE} is missing: run make image (make image-test does)`);
    const inspect = await podman(['image', 'inspect', '--format', '{{json .Config}}', IMAGE]);
    expect(inspect.code, inspect.stderr).to.equal(0);
    config = JSON.parse(inspect.stdout);
    dir = await mkdtemp(join(tmpdir(), 'ncg-image-'));
    await chmod(dir, 0o755);
    // The root filesystem as the container sees it, once.
    const created = await podman(['create', IMAGE]);
    expect(created.code, created.stderr).to.equal(0);
    const id = created.stdout.trim();
    try {
      const rootfs = join(dir, 'rootfs.tar');
      const exported = await podman(['export', '-o', rootfs, id]);
      expect(exported.code, exported.stderr).to.equal(0);
      const listing = await run('tar', ['-tv', '--numeric-owner', '-f', rootfs], {}, undefined, 120_000);
      expect(listing.code, listing.stderr).to.equal(0);
      files = parseListing(listing.stdout);
      mainJs = (await run('tar', ['-xOf', rootfs, 'app/dist/src/main.js'])).stdout;
      await rm(rootfs);
    } finally {
      await podman(['rm', id]);
    }
  });
  after(async () => dir && rm(dir, { recursive: true, force: true }));

  describe('config and labels', () => {
    it('runs as 65532:65532, nifi-ca-guard serve by default, in /app, NODE_ENV=production', () => {
      expect(config.User).to.equal(`${NONROOT}:${NONROOT}`);
      expect(config.Entrypoint).to.deep.equal(['nifi-ca-guard']);
      expect(config.Cmd).to.deep.equal(['serve']);
      expect(config.WorkingDir).to.equal('/app');
      expect(config.Env).to.include('NODE_ENV=production');
    });

    it('carries the OCI labels hack/image/labels.sh gives for this checkout, version = package.json', async () => {
      const r = await run('bash', [repoPath('hack', 'image', 'labels.sh')]);
      expect(r.code, r.stderr).to.equal(0);
      const want = Object.fromEntries(r.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      const labels = config.Labels;
      const expected: Array<[string, string | undefined]> = [
        ['org.opencontainers.image.title', 'nifi-ca-guard'],
        ['org.opencontainers.image.version', PKG.version],
        ['org.opencontainers.image.version', want.VERSION],
        ['org.opencontainers.image.revision', want.REVISION],
        ['org.opencontainers.image.created', want.CREATED],
        ['org.opencontainers.image.source', want.SOURCE],
        ['org.opencontainers.image.licenses', want.LICENSES],
        ['org.opencontainers.image.description', want.DESCRIPTION],
      ];
      for (const [key, value] of expected) {
        expect(value, `labels.sh gives no value for ${key}`).to.be.a('string').and.not.equal('');
        expect(labels[key], key).to.equal(value);
      }
      expect(labels['org.opencontainers.image.created']).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });

    it(`is at most ${MAX_BYTES / 1e6} MB uncompressed`, async () => {
      const r = await podman(['image', 'inspect', '--format', '{{.Size}}', IMAGE]);
      expect(Number(r.stdout.trim())).to.be.within(1, MAX_BYTES);
    });

    it(`is also ${BARE}, and both names are in the archive for containerd`, async () => {
      const ids = await Promise.all([IMAGE, BARE].map((ref) => podman(['image', 'inspect', '--format', '{{.Id}}', ref])));
      expect(ids[0]!.code, ids[0]!.stderr).to.equal(0);
      expect(ids[1]!.stdout).to.equal(ids[0]!.stdout);
      const manifest = await run('tar', ['-xOf', ARCHIVE, 'manifest.json']);
      expect(manifest.code, manifest.stderr).to.equal(0);
      const entries = JSON.parse(manifest.stdout) as Array<{ Config: string; RepoTags: string[] }>;
      expect(entries.flatMap((e) => e.RepoTags).sort()).to.deep.equal([BARE, IMAGE].sort());
      expect(new Set(entries.map((e) => e.Config)).size, 'one image under both names').to.equal(1);
      expect(ids[0]!.stdout.trim()).to.include(entries[0]!.Config.replace(/^sha256:|\.json$/g, '').replace(/^.*\//, ''));
    });
  });

  describe('contents', () => {
    it('nifi-ca-guard on PATH is main.js, which names node by its path (no shell, no env in the image)', () => {
      expect(files.get('usr/local/bin/nifi-ca-guard')?.target).to.equal('/app/dist/src/main.js');
      expect(mainJs.split('\n')[0]).to.equal('#!/usr/local/bin/node');
      expect(files.get('app/dist/src/main.js')?.mode).to.match(/^-rwxr-xr-x$/);
      expect(files.get('usr/local/bin/node')?.mode).to.match(/^-rwxr-xr-x$/);
    });

    const absent: Array<[string, RegExp]> = [
      ['shell', /^(usr\/)?bin\/(sh|bash|dash|busybox)$/],
      ['npm or npx', /(^|\/)(npm|npx)(\/|$)|node_modules\/npm\//],
      ['package manager', /^usr\/bin\/(dpkg|apt|apt-get)$/],
      ['TypeScript sources, declarations or source maps', /\.(ts|mts|cts|map)$/],
      ['dev tooling', /^app\/node_modules\/(typescript|mocha|chai|fast-check|@types)(\/|$)/],
      ['tests or build inputs', /^app\/(test|src|tsconfig[^/]*\.json|package-lock\.json)(\/|$)/],
    ];
    for (const [what, pattern] of absent) {
      it(`holds no ${what}`, () => {
        expect([...files.keys()].filter((p) => pattern.test(p))).to.deep.equal([]);
      });
    }

    it('holds every production package of package-lock.json and none of its dev packages', async () => {
      const lock = JSON.parse(await readFile(repoPath('package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; optional?: boolean }> };
      const missing: string[] = [];
      const extra: string[] = [];
      for (const [path, meta] of Object.entries(lock.packages)) {
        if (!path.startsWith('node_modules/')) continue;
        const present = files.has(`app/${path}`);
        if (meta.dev && present) extra.push(path);
        // @types/* are type declarations only: the build drops them on purpose.
        if (!meta.dev && !meta.optional && !/(^|\/)node_modules\/@types\//.test(path) && !present) missing.push(path);
      }
      expect(missing, 'production packages missing').to.deep.equal([]);
      expect(extra, 'dev packages present').to.deep.equal([]);
    });

    it('has /etc/passwd and /etc/group naming 65532 nonroot, and a dpkg status entry per Debian package', async () => {
      const r = await hardened(['--entrypoint', 'node'], ['-p', 'require("fs").readFileSync("/etc/passwd","utf8")+require("fs").readFileSync("/etc/group","utf8")+require("fs").readdirSync("/var/lib/dpkg/status.d").join(" ")']);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.include(`nonroot:x:${NONROOT}:${NONROOT}:`).and.include(`nonroot:x:${NONROOT}:`);
      for (const pkg of ['libc6', 'libgcc-s1', 'libstdc++6', 'base-files']) expect(r.stdout.split(/\s/), pkg).to.include(pkg);
    });
  });

  describe('running, hardened', () => {
    it('nifi-ca-guard --version prints package.json version', async () => {
      const r = await hardened([], ['--version']);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout.trim()).to.equal(PKG.version);
    });

    it(`runs as uid/gid ${NONROOT} without being told, with no capabilities, on Node.js 24 LTS`, async () => {
      const r = await hardened(['--entrypoint', 'node'], ['-p', 'JSON.stringify([process.getuid(), process.getgid(), process.version, process.release.lts, require("fs").readFileSync("/proc/self/status","utf8").match(/CapEff:\\s*(\\w+)/)[1]])']);
      expect(r.code, r.stderr).to.equal(0);
      const [uid, gid, version, lts, capEff] = JSON.parse(r.stdout) as [number, number, string, string, string];
      expect([uid, gid]).to.deep.equal([NONROOT, NONROOT]);
      expect(version).to.match(/^v24\./);
      expect(lts).to.equal('Krypton');
      expect(capEff).to.match(/^0+$/);
    });

    it('loads every production dependency (nothing the build pruned is needed)', async () => {
      const names = Object.keys(PKG.dependencies);
      const r = await hardened(['--entrypoint', 'node'], ['--input-type=module', '-e', `for (const d of ${JSON.stringify(names)}) await import(d); console.log('loaded')`]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout.trim()).to.equal('loaded');
    });

    it('cannot write its own filesystem', async () => {
      const r = await hardened(['--entrypoint', 'node'], ['-e', 'for (const p of ["/app/x", "/tmp/x", "/home/nonroot/x"]) { try { require("fs").writeFileSync(p, "x"); console.log("wrote " + p) } catch (e) { console.log(e.code) } }']);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout.trim().split('\n')).to.deep.equal(['EROFS', 'EROFS', 'EROFS']);
    });

    describe('truststore, as the injected init container runs it', () => {
      const cas = [makeCa({ subject: 'CN=nifi-ca, OU=NIFI', now: new Date() }), makeCa({ subject: 'CN=nifi-ca, OU=NIFI', now: new Date(), key: 'rsa' })];
      const sha256 = cas.map((c) => certInfo(c.cert).sha256).sort();
      let bundleDir: string;
      let outDir: string;
      before(async () => {
        await requireJava();
        bundleDir = join(dir, 'bundle');
        outDir = join(dir, 'out');
        await mkdir(bundleDir);
        await mkdir(outDir);
        await writeFile(join(bundleDir, 'ca.crt'), cas.map((c) => c.pem).join(''));
        await chmod(join(bundleDir, 'ca.crt'), 0o644);
        // an emptyDir the pod's fsGroup would make writable: here, owned by the image's user
        await chown(outDir, NONROOT, NONROOT);
      });

      const mounts = () => ['-v', `${bundleDir}:/bundle:ro`, '-v', `${outDir}:/out`];
      for (const [type, file, storetype] of [['pkcs12', 'truststore.p12', 'PKCS12'], ['jks', 'truststore.jks', 'JKS'], ['pem', 'truststore.pem', undefined]] as const) {
        it(`--type ${type}: writes /out/${file} with both CAs${storetype ? ', and keytool lists them' : ''}`, async () => {
          const pw = storetype ? ['--password-env', 'TRUSTSTORE_PASSWORD'] : [];
          const r = await hardened([...mounts(), '-e', 'TRUSTSTORE_PASSWORD=changeit'], ['truststore', '--bundle', '/bundle/ca.crt', '--out', `/out/${file}`, '--type', type, ...pw]);
          expect(r.code, r.stderr).to.equal(0);
          expect(r.stdout).to.match(new RegExp(`^wrote /out/${file.replace('.', '\\.')} \\(${type}\\): 2 trusted CA certificate\\(s\\)`));
          const out = join(outDir, file);
          if (storetype) {
            const list = await keytool(['-list', '-v', '-keystore', out, '-storetype', storetype, '-storepass', 'changeit']);
            expect(list.code, list.stdout + list.stderr).to.equal(0);
            expect((list.stdout.match(/Entry type: trustedCertEntry/g) ?? []).length).to.equal(2);
            expect(keytoolSha256(list.stdout).sort()).to.deep.equal(sha256);
          } else {
            const { blocks } = parsePem(await readFile(out, 'utf8'));
            expect(blocks.map((b) => certInfo(b.der).sha256).sort()).to.deep.equal(sha256);
          }
        });
      }
    });

    it('serve: answers /healthz over HTTPS on loopback, and exits 0 on SIGTERM', async () => {
      const tls = join(dir, 'tls');
      await mkdir(tls);
      await chown(tls, NONROOT, NONROOT);
      const certs = await hardened(['-v', `${tls}:/tls`], ['certs', '--out', '/tls']);
      expect(certs.code, certs.stderr).to.equal(0);
      const name = `ncg-image-test-${process.pid}`;
      const server = spawn('bash', [repoPath('hack', 'image', 'run.sh'), '--name', name, '-v', `${tls}:/etc/nifi-ca-guard/tls:ro`, IMAGE, 'serve', '--shutdown-delay-ms', '0', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      server.stderr.on('data', (d) => (stderr += String(d)));
      const exited = new Promise<number | null>((done) => server.on('exit', (code) => done(code)));
      try {
        const probe = `require("https").get({host:"127.0.0.1",port:8443,path:"/healthz",ca:require("fs").readFileSync("/etc/nifi-ca-guard/tls/ca.crt")},r=>{console.log(r.statusCode);process.exit(0)}).on("error",e=>{console.log(e.code);process.exit(1)})`;
        let answer: Run | undefined;
        for (let i = 0; i < 60; i++) {
          answer = await podman(['exec', name, 'node', '-e', probe]);
          if (answer.code === 0) break;
          await new Promise((r) => setTimeout(r, 500));
        }
        expect(answer?.stdout.trim(), `${answer?.stdout} ${answer?.stderr} ${stderr}`).to.equal('200');
        const stop = await podman(['kill', '--signal', 'TERM', name]);
        expect(stop.code, stop.stderr).to.equal(0);
        expect(await exited, stderr).to.equal(0);
      } finally {
        server.kill();
        await podman(['rm', '-f', name]);
      }
    });
  });
});
