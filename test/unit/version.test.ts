import { expect } from 'chai';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_IMAGE } from '../../src/policy/defaults.js';
import { VERSION } from '../../src/version.js';
import { repoPath } from '../support/paths.js';
import { runCli } from '../support/cli.js';

describe('version: one string, from package.json', () => {
  const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string };

  it("is package.json's version", () => {
    expect(VERSION).to.equal(pkg.version);
  });

  it("tags the default init-container image, so the injected containers run the webhook's version", () => {
    expect(DEFAULT_IMAGE).to.equal(`nifi-ca-guard:${pkg.version}`);
  });

  it('is what `nifi-ca-guard --version` prints', async () => {
    const r = await runCli(['--version']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.trim()).to.equal(pkg.version);
  });

  it("is found in the image's layout too: /app/dist/src/version.js reads /app/package.json", async () => {
    const app = mkdtempSync(join(tmpdir(), 'version-app-'));
    mkdirSync(join(app, 'dist', 'src'), { recursive: true });
    copyFileSync(repoPath('dist', 'src', 'version.js'), join(app, 'dist', 'src', 'version.js'));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'nifi-ca-guard', type: 'module', version: '9.8.7-rc.1' }));
    const mod = (await import(pathToFileURL(join(app, 'dist', 'src', 'version.js')).href)) as { VERSION: string };
    expect(mod.VERSION).to.equal('9.8.7-rc.1');
  });

  const bad = [
    { name: 'no package.json', pkg: undefined, error: /^cannot read the version from .*package\.json: ENOENT/ },
    { name: 'no version field', pkg: { name: 'x', type: 'module' }, error: /"version" must be a string usable as an image tag$/ },
    { name: 'a version no image tag can hold', pkg: { name: 'x', type: 'module', version: '1.0.0+build/7' }, error: /"version" must be a string/ },
  ];
  for (const c of bad) {
    it(`refuses to load with ${c.name}, saying why`, async () => {
      const app = mkdtempSync(join(tmpdir(), 'version-bad-'));
      mkdirSync(join(app, 'dist', 'src'), { recursive: true });
      copyFileSync(repoPath('dist', 'src', 'version.js'), join(app, 'dist', 'src', 'version.js'));
      // Without a package.json, Node needs another way to know the file is ESM.
      if (c.pkg) writeFileSync(join(app, 'package.json'), JSON.stringify(c.pkg));
      else writeFileSync(join(app, 'dist', 'package.json'), JSON.stringify({ type: 'module' }));
      let err: unknown;
      try {
        await import(pathToFileURL(join(app, 'dist', 'src', 'version.js')).href);
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(Error);
      expect((err as Error).message).to.match(c.error);
    });
  }
});
