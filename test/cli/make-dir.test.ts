import { expect } from 'chai';
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

// Every directory the CLI creates goes through one helper (src/cli/make-dir.ts). Issue 10: `certs --out
// /proc/nope` spun at 100% CPU forever (Node's recursive mkdir on procfs). Each run is bounded: a hang
// is killed after 15 s and then fails on its exit code, not on a timing assertion.
describe('cli: directories the CLI creates', () => {
  const root = mkdtempSync(join(tmpdir(), 'make-dir-'));
  const aFile = join(root, 'a-file');
  writeFileSync(aFile, 'x');

  // /proc is Linux's procfs, where the hang was seen; the project builds and runs on Linux.
  const cases: Array<{ name: string; args: string[]; error: RegExp }> = [
    { name: 'certs --out on procfs', args: ['certs', '--out', '/proc/nope'], error: /^nifi-ca-guard: --out \/proc\/nope: cannot create \/proc\/nope \(this file system does not allow new directories\); choose a directory you can write to$/ },
    { name: 'certs --out nested under procfs', args: ['certs', '--out', '/proc/nope/a/b'], error: /^nifi-ca-guard: --out \/proc\/nope\/a\/b: cannot create \/proc\/nope \(/ },
    { name: 'ca init --dir on procfs', args: ['ca', 'init', '--dir', '/proc/nope/x'], error: /^nifi-ca-guard: --dir \/proc\/nope\/x: cannot create \/proc\/nope \(/ },
    { name: 'certs --out under a file', args: ['certs', '--out', join(aFile, 'x')], error: /^nifi-ca-guard: --out .*a-file\/x: .*a-file exists and is not a directory; choose another directory$/ },
    { name: 'certs --out that is a file', args: ['certs', '--out', aFile], error: /^nifi-ca-guard: --out .*a-file: .*a-file exists and is not a directory; choose another directory$/ },
  ];
  for (const c of cases) {
    it(`fails at once with one line for ${c.name}`, async () => {
      const res = await runCli(c.args, { timeoutMs: 15_000 });
      expect(res.signal, 'killed after 15 s: the command hung').to.equal(null);
      expect(res.code, res.stderr).to.equal(1);
      expect(res.stdout).to.equal('');
      expect(res.stderr.trim().split('\n'), res.stderr).to.have.length(1);
      expect(res.stderr.trim()).to.match(c.error);
    });
  }

  it('creates missing parents, and accepts a directory that already exists', async () => {
    const out = join(root, 'x', 'y', 'z');
    const first = await runCli(['certs', '--out', out], { timeoutMs: 30_000 });
    expect(first.code, first.stderr).to.equal(0);
    expect(statSync(out).isDirectory()).to.equal(true);
    const again = await runCli(['ca', 'init', '--dir', out], { timeoutMs: 30_000 });
    expect(again.code, again.stderr).to.equal(0);
    expect(existsSync(join(out, 'nifi-ca-keystore.yaml'))).to.equal(true);
  });
});
