// Concurrent and interrupted `ca` runs never leave the two Secrets disagreeing: the active CA (the
// private Secret's) is always in the trust bundle, and no rotation is silently lost. Against the
// loopback API server (scripted interleavings of real CLI processes) and on manifest directories.
import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { dirState, errorLines, expectRotationsConsistent, pairState, rotatedTo, type PairState } from '../support/ca-state.js';
import { runCli, type CliResult } from '../support/cli.js';
import { FakeKubeApi } from '../support/kube-api.js';

const NS = 'nifi';
const TOKEN = { TOKEN: 'a-token-with-16-chars' };
const CONFLICT = /^nifi-ca-guard: .*(changed since|already exists|was deleted).*re-run/;

describe('cli: ca --apply under concurrent and interrupted runs (loopback API server)', function () {
  this.timeout(180_000);
  const api = new FakeKubeApi();
  let dir: string;

  before(async () => {
    await api.start();
    dir = await mkdtemp(join(tmpdir(), 'ncg-race-'));
  });
  after(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    api.secrets.clear();
    api.schedule([]);
  });

  /** Runs the CLI as `client` (its own kubeconfig); tells the API server when it has exited. */
  async function as(client: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
    const kubeconfig = await api.kubeconfig(dir, client);
    const r = await runCli(args, { env: { KUBECONFIG: kubeconfig, ...TOKEN, ...env }, timeoutMs: 60_000 });
    api.exited(client);
    return r;
  }
  const state = (): PairState => pairState(api.get(NS, 'nifi-ca-keystore'), api.get(NS, 'nifi-ca-trust'));
  const rotate = (client: string): Promise<CliResult> => as(client, ['ca', 'rotate', '--apply', '-n', NS, '--key-type', 'ecdsa']);
  async function initPair(): Promise<PairState> {
    const r = await as('setup', ['ca', 'init', '--apply', '-n', NS, '--token-env', 'TOKEN', '--key-type', 'ecdsa']);
    expect(r.code, r.stderr).to.equal(0);
    return state();
  }

  // The interleaving seen in the field (A.trust, B.trust, B.private, A.private), and its mirror.
  const interleavings: [string, string[][]][] = [
    ['trust A,B then private B,A', [['a', 'b'], ['b', 'a']]],
    ['trust A,B then private A,B', [['a', 'b'], ['a', 'b']]],
    ['trust B,A then private A,B', [['b', 'a'], ['a', 'b']]],
  ];
  for (const [name, phases] of interleavings) {
    it(`two rotations, ${name}: consistent Secrets or one clear refusal`, async () => {
      await initPair();
      api.schedule(phases);
      const results = await Promise.all([rotate('a'), rotate('b')]);
      expectRotationsConsistent(results, state(), CONFLICT);
    });
  }

  // B reads after A's bundle write, before A's switch: B's bundle write succeeds, and one switch is refused.
  it('the second rotation reads between the first one bundle and switch; the first switches first: the loser takes its CA back', async () => {
    const first = await initPair();
    api.schedule([['a'], ['a', 'b']]);
    const pa = rotate('a');
    await api.heldWrite('a', 2);
    const [a, b] = await Promise.all([pa, rotate('b')]);
    expect(a.code, a.stderr).to.equal(0);
    expect(b.code).to.equal(1);
    expect(errorLines(b)).to.have.length(1);
    expect(errorLines(b)[0]).to.match(/^nifi-ca-guard: Secret nifi\/nifi-ca-keystore changed since it was read .*: the CA was not switched and the bundle no longer holds its new CA; re-run ca rotate$/);
    const st = state();
    expect(st.active).to.equal(rotatedTo(a));
    expect(st.bundle).to.deep.equal([first.active, rotatedTo(a)]);
  });

  it('the same, the second one switching first: the first cannot take its CA back (the bundle changed) and says so', async () => {
    const first = await initPair();
    api.schedule([['a'], ['b', 'a']]);
    const pa = rotate('a');
    await api.heldWrite('a', 2);
    const [a, b] = await Promise.all([pa, rotate('b')]);
    expect(b.code, b.stderr).to.equal(0);
    expect(a.code).to.equal(1);
    expect(errorLines(a)[0]).to.match(/the CA was not switched \(the bundle keeps the new CA [0-9A-F:]+, which nothing uses: harmless\); re-run ca rotate$/);
    const st = state();
    expect(st.active).to.equal(rotatedTo(b));
    expect(st.bundle).to.include.members([first.active, rotatedTo(b)]);
    expect(st.bundle).to.have.length(3);
  });

  it('six rotations that all read before any writes: one wins, five refuse with one line each', async () => {
    await initPair();
    const clients = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
    api.schedule([clients]);
    const results = await Promise.all(clients.map(rotate));
    expectRotationsConsistent(results, state(), CONFLICT);
    expect(results.filter((r) => r.code === 0)).to.have.length(1);
  });

  it('a rotation racing ca adopt --force: the private Secret and the bundle agree', async () => {
    const first = await initPair();
    // What `ca adopt` reads: a toolkit working directory (here, another pinned CA's files).
    const other = join(dir, 'other');
    const o = await runCli(['ca', 'init', '--dir', other, '--key-type', 'ecdsa', '--token-env', 'TOKEN'], { env: TOKEN });
    expect(o.code, o.stderr).to.equal(0);
    const priv = parse(await readFile(join(other, 'nifi-ca-keystore.yaml'), 'utf8')) as { data: Record<string, string> };
    const from = join(dir, 'from');
    await rm(from, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(from));
    for (const [k, v] of Object.entries(priv.data)) await writeFile(join(from, k), Buffer.from(v, 'base64'));
    for (const phases of [[['rot', 'adopt'], ['adopt', 'rot']], [['adopt', 'rot'], ['rot', 'adopt']]]) {
      api.schedule(phases);
      const [r, a] = await Promise.all([rotate('rot'), as('adopt', ['ca', 'adopt', '--apply', '-n', NS, '--from', from, '--force'])]);
      const st = state();
      expect(st.bundle).to.include(st.active);
      expect(st.bundle).to.include(first.active);
      for (const x of [r, a]) if (x.code !== 0) expect(errorLines(x), x.stderr).to.have.length(1);
      expect([r.code, a.code]).to.include(0);
      if (r.code === 0) expect(st.bundle).to.include(rotatedTo(r));
    }
  });

  it('init --force racing a rotation: the bundle shrinks only to a CA that is active', async () => {
    await initPair();
    for (const phases of [[['init', 'rot'], ['init', 'rot'], ['init', 'rot']], [['rot', 'init'], ['rot', 'init'], ['rot', 'init']], [['init', 'rot'], ['rot', 'init'], ['init', 'rot']]]) {
      api.schedule(phases);
      const [i, r] = await Promise.all([as('init', ['ca', 'init', '--apply', '-n', NS, '--force', '--token-env', 'TOKEN', '--key-type', 'ecdsa']), rotate('rot')]);
      const st = state();
      expect(st.bundle, `${i.stderr}${r.stderr}`).to.include(st.active);
      expect([i.code, r.code]).to.include(0);
      for (const x of [i, r]) if (x.code !== 0) expect(errorLines(x), x.stderr).to.have.length(1);
    }
  });

  it('rotate keeps the type, ownerReferences, finalizers, labels and annotations of what it read', async () => {
    await initPair();
    for (const name of ['nifi-ca-keystore', 'nifi-ca-trust']) {
      const s = api.get(NS, name)!;
      api.secrets.delete(`${NS}/${name}`);
      api.put(NS, {
        ...s,
        type: 'example.com/nifi-ca',
        metadata: {
          ...s.metadata,
          labels: { ...(s.metadata.labels as object), team: 'data' },
          annotations: { ...(s.metadata.annotations as object), note: 'keep me' },
          ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: '1234' }],
          finalizers: ['example.com/keep'],
        },
      });
    }
    const r = await rotate('x');
    expect(r.code, r.stderr).to.equal(0);
    for (const name of ['nifi-ca-keystore', 'nifi-ca-trust']) {
      const s = api.get(NS, name)!;
      expect(s.type).to.equal('example.com/nifi-ca');
      expect(s.metadata.labels).to.include({ team: 'data', 'app.kubernetes.io/managed-by': 'nifi-ca-guard' });
      expect(s.metadata.annotations).to.include({ note: 'keep me' });
      expect(s.metadata.ownerReferences).to.deep.equal([{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: '1234' }]);
      expect(s.metadata.finalizers).to.deep.equal(['example.com/keep']);
    }
    expect(state().bundle).to.include(rotatedTo(r));
  });

  it('every write is conditional: PUTs carry the resourceVersion read, creates are POSTs', async () => {
    await initPair();
    const before = { p: api.get(NS, 'nifi-ca-keystore')!.metadata.resourceVersion, t: api.get(NS, 'nifi-ca-trust')!.metadata.resourceVersion };
    // A writer that is not the CLI (kubectl apply of an old manifest) between read and write is detected:
    // the rotation's first write is held, the Secret changed under it, then the write is let through.
    api.schedule([['x', 'ghost']]);
    const pending = rotate('x');
    await api.heldWrite('x', 1);
    const t = api.get(NS, 'nifi-ca-trust')!;
    api.put(NS, { ...t, metadata: { ...t.metadata, annotations: { ...(t.metadata.annotations as object), edited: 'by hand' } } });
    api.exited('ghost');
    const r = await pending;
    expect(r.code).to.equal(1);
    expect(errorLines(r)).to.have.length(1);
    expect(errorLines(r)[0]).to.match(/^nifi-ca-guard: Secret nifi\/nifi-ca-trust changed since it was read .*nothing was changed.*re-run ca rotate/);
    expect(api.get(NS, 'nifi-ca-keystore')!.metadata.resourceVersion).to.equal(before.p);
    expect(before.t).to.not.equal(undefined);
  });

  it('an init interrupted between the bundle and the private Secret converges when re-run, without --force', async () => {
    api.schedule([['x'], ['x', 'ghost']]);
    const pending = as('x', ['ca', 'init', '--apply', '-n', NS, '--token-env', 'TOKEN', '--key-type', 'ecdsa']);
    await api.heldWrite('x', 2);
    // Interrupted: killed before its second write reached the server.
    api.exited('x');
    await pending.catch(() => undefined);
    expect(api.get(NS, 'nifi-ca-trust')).to.not.equal(undefined);
    expect(api.get(NS, 'nifi-ca-keystore')).to.equal(undefined);
    api.schedule([]);
    const again = await as('y', ['ca', 'init', '--apply', '-n', NS, '--token-env', 'TOKEN', '--key-type', 'ecdsa']);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stderr).to.match(/warning: .*interrupted/);
    const st = state();
    expect(st.bundle).to.include(st.active);
  });

  it('a rotation interrupted between the bundle and the private Secret converges when re-run', async () => {
    const first = await initPair();
    api.schedule([['x'], ['x', 'ghost']]);
    const pending = rotate('x');
    await api.heldWrite('x', 2);
    api.exited('x');
    await pending.catch(() => undefined);
    const mid = state();
    expect(mid.active).to.equal(first.active);
    expect(mid.bundle).to.include(first.active);
    api.schedule([]);
    const again = await rotate('y');
    expect(again.code, again.stderr).to.equal(0);
    const st = state();
    expect(st.active).to.equal(rotatedTo(again));
    expect(st.bundle).to.include.members([first.active, st.active]);
  });
});

describe('cli: ca --dir under concurrent runs', function () {
  this.timeout(300_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ncg-race-dir-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('concurrent ca rotate --dir processes: the active CA is always in the bundle, no rotation silently lost', async () => {
    const d = join(dir, 'm');
    const i = await runCli(['ca', 'init', '--dir', d, '--key-type', 'ecdsa', '--token-env', 'TOKEN'], { env: TOKEN });
    expect(i.code, i.stderr).to.equal(0);
    for (let round = 0; round < 3; round++) {
      // A checker reading the private Secret, then the bundle, while the rotations run: the bundle
      // only grows during rotations, so the CA read first must be in the bundle read next.
      let running = true;
      const seen: PairState[] = [];
      const checker = (async () => {
        while (running) {
          try {
            seen.push(await dirState(d));
          } catch {
            /* a file being replaced: read again */
          }
          await new Promise((r) => setImmediate(r));
        }
      })();
      const results = await Promise.all(Array.from({ length: 6 }, () => runCli(['ca', 'rotate', '--dir', d, '--key-type', 'ecdsa'], { timeoutMs: 60_000 })));
      running = false;
      await checker;
      expectRotationsConsistent(results, await dirState(d), /^nifi-ca-guard: .*\.nifi-ca-guard\.lock/);
      for (const s of seen) expect(s.bundle, 'every state seen while rotating').to.include(s.active);
    }
  });
});
