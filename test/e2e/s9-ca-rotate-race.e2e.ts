// Beyond the six scenarios: `ca rotate --apply` runs concurrently against the real API server. Every
// write is conditional (POST to create, PUT with the resourceVersion read), so concurrent rotations end
// with the two Secrets agreeing (the active CA in the bundle) and every rotation either in the result or
// refused with one line; a rotation racing `ca adopt --force` likewise; and a rotation keeps the type,
// ownerReferences and labels of Secrets it did not create. (The loopback test double in
// test/cli/ca-race.test.ts scripts exact interleavings; here the API server itself decides.)
import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { errorLines, expectRotationsConsistent, pairState, rotatedTo, type PairState } from '../support/ca-state.js';
import { runCli, type CliResult } from '../support/cli.js';
import { createNamespace, deleteNamespace } from './support/cluster.js';
import { e2eEnv } from './support/env.js';
import { getJson, kubectlOk } from './support/kubectl.js';

const NS = 'e2e-ca-race';
const TOKEN = { T: 'a-token-of-sixteen-chars' };
const REFUSAL = /^nifi-ca-guard: Secret e2e-ca-race\/nifi-ca-(trust|keystore) (changed since it was read|already exists|was deleted).*re-run ca (rotate|adopt)$/;
const NO_PROXY = ['127.0.0.1', 'localhost', process.env.E2E_HOST_IP].filter(Boolean).join(',');

function ca(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(['ca', ...args], { env: { KUBECONFIG: e2eEnv().kubeconfig, NO_PROXY, no_proxy: NO_PROXY, ...env }, timeoutMs: 120_000 });
}

async function state(): Promise<PairState> {
  return pairState(await getJson(['-n', NS, 'secret', 'nifi-ca-keystore']), await getJson(['-n', NS, 'secret', 'nifi-ca-trust']));
}

describe('e2e: concurrent ca rotate --apply against the API server', function () {
  this.timeout(300_000);
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ncg-e2e-ca-'));
    await createNamespace(NS);
  });
  after(async () => {
    await deleteNamespace(NS);
    await rm(dir, { recursive: true, force: true });
  });

  it('init, then rounds of 6 concurrent rotations: the Secrets agree after each; no rotation silently lost', async () => {
    const init = await ca(['init', '--apply', '-n', NS, '--token-env', 'T', '--key-type', 'ecdsa'], TOKEN);
    expect(init.code, init.stderr).to.equal(0);
    let refused = 0;
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all(Array.from({ length: 6 }, () => ca(['rotate', '--apply', '-n', NS, '--key-type', 'ecdsa'])));
      expectRotationsConsistent(results, await state(), REFUSAL);
      refused += results.filter((r) => r.code !== 0).length;
    }
    console.log(`      ${18 - refused} of 18 rotations applied, ${refused} refused with one line each`);
  });

  it('a rotation racing ca adopt --force: the private Secret and the bundle agree', async () => {
    const before = await state();
    // A toolkit working directory to adopt: another CA's files, from a manifest directory.
    const other = join(dir, 'other');
    const o = await ca(['init', '--dir', other, '--key-type', 'ecdsa', '--token-env', 'T'], TOKEN);
    expect(o.code, o.stderr).to.equal(0);
    const priv = parse(await readFile(join(other, 'nifi-ca-keystore.yaml'), 'utf8')) as { data: Record<string, string> };
    const from = join(dir, 'from');
    await mkdir(from, { recursive: true });
    for (const [k, v] of Object.entries(priv.data)) await writeFile(join(from, k), Buffer.from(v, 'base64'));
    for (let round = 0; round < 3; round++) {
      const [r, a] = await Promise.all([ca(['rotate', '--apply', '-n', NS, '--key-type', 'ecdsa']), ca(['adopt', '--apply', '-n', NS, '--from', from, '--force'])]);
      const st = await state();
      expect(st.bundle, `${r.stderr}${a.stderr}`).to.include(st.active);
      expect(st.bundle).to.include(before.active);
      expect([r.code, a.code]).to.include(0);
      for (const x of [r, a]) if (x.code !== 0) expect(errorLines(x), x.stderr).to.have.length(1);
      if (r.code === 0) expect(st.bundle).to.include(rotatedTo(r));
    }
  });

  it("rotate keeps the type, ownerReferences and labels of Secrets it did not create", async () => {
    const ns = `${NS}-meta`;
    await createNamespace(ns);
    try {
      const owner = JSON.parse(await kubectlOk(['-n', ns, 'create', 'configmap', 'owner', '-o', 'json'])) as { metadata: { uid: string } };
      const m = join(dir, 'meta');
      const i = await ca(['init', '--dir', m, '-n', ns, '--key-type', 'ecdsa', '--token-env', 'T'], TOKEN);
      expect(i.code, i.stderr).to.equal(0);
      for (const name of ['nifi-ca-keystore', 'nifi-ca-trust']) {
        const s = parse(await readFile(join(m, `${name}.yaml`), 'utf8')) as { type: string; metadata: Record<string, unknown> };
        s.type = 'example.com/nifi-ca';
        s.metadata.labels = { ...(s.metadata.labels as object), team: 'data' };
        s.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid }];
        await kubectlOk(['-n', ns, 'create', '-f', '-'], { input: JSON.stringify(s) });
      }
      const versions = async () =>
        Promise.all(['nifi-ca-keystore', 'nifi-ca-trust'].map(async (n) => (await getJson<{ metadata: { resourceVersion: string } }>(['-n', ns, 'secret', n])).metadata.resourceVersion));
      const before = await versions();
      const r = await ca(['rotate', '--apply', '-n', ns, '--key-type', 'ecdsa']);
      expect(r.code, r.stderr).to.equal(0);
      const after = await versions();
      for (const [k, v] of after.entries()) expect(v).to.not.equal(before[k]);
      for (const name of ['nifi-ca-keystore', 'nifi-ca-trust']) {
        const s = await getJson<{ type: string; metadata: { labels: Record<string, string>; ownerReferences: { uid: string }[] } }>(['-n', ns, 'secret', name]);
        expect(s.type).to.equal('example.com/nifi-ca');
        expect(s.metadata.labels).to.include({ team: 'data', 'app.kubernetes.io/managed-by': 'nifi-ca-guard' });
        expect(s.metadata.ownerReferences.map((o) => o.uid)).to.deep.equal([owner.metadata.uid]);
      }
      const st = pairState(await getJson(['-n', ns, 'secret', 'nifi-ca-keystore']), await getJson(['-n', ns, 'secret', 'nifi-ca-trust']));
      expect(st.active).to.equal(rotatedTo(r));
      expect(st.bundle).to.include(st.active);
    } finally {
      await deleteNamespace(ns);
    }
  });
});
