// What `truststore` and `preview` load: the init container runs truststore on every NiFi pod start,
// so neither may pull in the webhook's server stack or another command's libraries. Module sets,
// not times (those are `make bench`, test/bench/startup.bench.ts).
import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../support/cli.js';
import { makeCa } from '../support/certs.js';
import type { ProbeReport } from '../support/load-probe.js';
import { repoPath } from '../support/paths.js';

const PROBE = fileURLToPath(new URL('../support/load-probe.js', import.meta.url));
/** The server stack, the cluster client and other commands' libraries. */
const SERVER_AND_CLUSTER = ['express', '@kubernetes/client-node', 'pino', 'prom-client', 'selfsigned'];

describe('cli: startup loads only what the command uses', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ncg-startup-'));
    const now = new Date();
    await writeFile(join(dir, 'bundle.pem'), makeCa({ subject: 'CN=one', now }).pem + makeCa({ subject: 'CN=two', now, key: 'rsa' }).pem);
    await writeFile(join(dir, 'pw'), 'changeit\n');
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const cases = [
    { name: 'truststore (pkcs12)', args: (d: string) => ['truststore', '--bundle', join(d, 'bundle.pem'), '--out', join(d, 'ts.p12'), '--password-file', join(d, 'pw')], uses: ['commander', 'node-forge'], never: [...SERVER_AND_CLUSTER, 'yaml', 'fast-json-patch'] },
    { name: 'truststore (jks)', args: (d: string) => ['truststore', '--bundle', join(d, 'bundle.pem'), '--out', join(d, 'ts.jks'), '--type', 'jks', '--password-file', join(d, 'pw')], uses: ['commander', 'node-forge'], never: [...SERVER_AND_CLUSTER, 'yaml', 'fast-json-patch'] },
    { name: 'preview', args: () => ['preview', '-f', repoPath('examples', 'apache-nifi-image', 'release.yaml')], uses: ['commander', 'yaml'], never: [...SERVER_AND_CLUSTER, 'node-forge'] },
  ];
  for (const c of cases) {
    it(`${c.name}: loads ${c.uses.join(', ')}, not the full command table nor ${c.never.join(', ')}`, async () => {
      const out = join(dir, 'probe.json');
      const r = await runCli(c.args(dir), { nodeArgs: ['--import', PROBE], env: { NCG_PROBE_OUT: out } });
      expect(r.code, r.stderr).to.equal(0);
      const probe = JSON.parse(await readFile(out, 'utf8')) as ProbeReport;
      expect(probe.packages).to.include.members(c.uses);
      expect(probe.packages.filter((p) => c.never.includes(p))).to.deep.equal([]);
      // The probe sees the project's modules too: the hot path ran, the table of every command stayed unloaded.
      expect(probe.project).to.include('dist/src/cli/hot-commands.js');
      expect(probe.project).not.to.include('dist/src/cli/commands.js');
    });
  }
});
