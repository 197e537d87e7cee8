import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

// The golden suite covers what preview prints for good input; this is its bad input.
describe('cli: nifi-ca-guard preview, bad input', () => {
  const root = mkdtempSync(join(tmpdir(), 'preview-cli-'));
  const file = (name: string, text: string): string => {
    const path = join(root, name);
    writeFileSync(path, text);
    return path;
  };
  const pod = file('pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: n, labels: {app: nifi}}\nspec: {containers: [{name: nifi, image: x}]}\n');

  const cases = [
    { name: 'a missing file', args: ['-f', join(root, 'nope.yaml')], error: /^nifi-ca-guard: cannot read .*nope\.yaml: ENOENT$/ },
    { name: 'a bad third document', args: ['-f', file('multi.yaml', 'kind: A\n---\nkind: B\n---\nkind: [\n')], error: /^nifi-ca-guard: .*multi\.yaml: document 3 \(line \d+\): not valid YAML or JSON: / },
    { name: 'a top-level list', args: ['-f', file('list.json', '[1, 2]')], error: /^nifi-ca-guard: .*list\.json: must be a Kubernetes object, not a list$/ },
    { name: 'an invalid policy', args: ['-f', pod, '--policy', file('bad-policy.yaml', 'apiVersion: nifi-ca-guard.io/v1alpha1\nkind: NiFiTrustPolicy\nspec: {placement: {mode: sometimes}, trustBundle: {formt: jks}}\n')], error: /^nifi-ca-guard: invalid policy .*: spec\.trustBundle\.formt: unknown field; spec\.placement\.mode: must be one of required, preferred, off$/ },
    { name: 'an empty namespace', args: ['-f', pod, '-n', ''], error: /^nifi-ca-guard: -n: must be a namespace name \(DNS label\), got ""$/ },
    { name: 'a namespace that is no DNS label', args: ['-f', pod, '-n', 'Bad/NS'], error: /^nifi-ca-guard: -n: must be a namespace name \(DNS label\), got "Bad\/NS"$/ },
  ];
  for (const c of cases) {
    it(`exits 1 with one line and no output for ${c.name}`, async () => {
      const res = await runCli(['preview', ...c.args]);
      expect(res.code, res.stderr).to.equal(1);
      expect(res.stdout).to.equal('');
      expect(res.stderr.trim().split('\n'), res.stderr).to.have.length(1);
      expect(res.stderr.trim()).to.match(c.error);
    });
  }
});
