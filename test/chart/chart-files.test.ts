// The chart's own files: one version string for package, chart and image; the CRD is manifests/crd's;
// helm lint (and --strict) passes for every TLS mode; a values file helm refuses names the bad value.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { VERSION } from '../../src/version.js';
import { repoPath } from '../support/paths.js';
import { sharedPki } from '../support/pki.js';
import { run } from '../support/run.js';
import { CHART, helm, requireTools, scratch, valuesFile } from './support/tools.js';

const MODES: ReadonlyArray<[string, unknown]> = [
  ['defaults (selfManaged)', {}],
  ['certManager with the chart CA', { tls: { mode: 'certManager' } }],
  ['certManager with an issuerRef', { tls: { mode: 'certManager', certManager: { issuerRef: { name: 'corp-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' } } } }],
  ['manual', { tls: { mode: 'manual', secretName: 'my-tls', manual: { caBundle: sharedPki().caCert } } }],
  ['namespace opt-in', { namespaceOptIn: { enabled: true } }],
];

describe('chart: files', () => {
  before(requireTools);

  it("Chart.yaml's version and appVersion are package.json's version", () => {
    const chart = parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as { version: unknown; appVersion: unknown };
    const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string };
    expect(pkg.version).to.equal(VERSION);
    expect({ version: chart.version, appVersion: chart.appVersion }).to.deep.equal({ version: VERSION, appVersion: VERSION });
  });

  it("crds/nifitrustpolicies.yaml is manifests/crd/nifitrustpolicies.yaml, byte for byte", () => {
    const chart = readFileSync(join(CHART, 'crds', 'nifitrustpolicies.yaml'), 'utf8');
    const base = readFileSync(repoPath('manifests', 'crd', 'nifitrustpolicies.yaml'), 'utf8');
    expect(chart === base, 'cp manifests/crd/nifitrustpolicies.yaml charts/nifi-ca-guard/crds/').to.equal(true);
  });

  it('every value in values.yaml is declared by values.schema.json (which refuses unknown keys)', () => {
    const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Record<string, unknown>;
    const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as { properties: Record<string, unknown>; additionalProperties: unknown };
    expect(schema.additionalProperties).to.equal(false);
    expect(Object.keys(values).filter((k) => !(k in schema.properties))).to.deep.equal([]);
  });

  it('every top-level value in values.yaml has a comment', () => {
    const lines = readFileSync(join(CHART, 'values.yaml'), 'utf8').split('\n');
    const uncommented = lines.flatMap((line, i) => (/^[A-Za-z]\w*:/.test(line) && !/^#/.test(lines[i - 1] ?? '') ? [line] : []));
    expect(uncommented).to.deep.equal([]);
  });

  it('helm package makes a chart archive that still holds the CRD, the schema and NOTES, and renders', async () => {
    const out = scratch('package');
    const r = await helm(['package', CHART, '--destination', out]);
    expect(r.code, r.stderr).to.equal(0);
    const tgz = join(out, `nifi-ca-guard-${VERSION}.tgz`);
    const list = await run('tar', ['tzf', tgz]);
    expect(list.stdout.split('\n')).to.include.members([
      'nifi-ca-guard/Chart.yaml', 'nifi-ca-guard/values.yaml', 'nifi-ca-guard/values.schema.json',
      'nifi-ca-guard/crds/nifitrustpolicies.yaml', 'nifi-ca-guard/templates/NOTES.txt', 'nifi-ca-guard/templates/deployment.yaml',
    ]);
    const t = await helm(['template', 'nifi-ca-guard', tgz, '--include-crds']);
    expect(t.code, t.stderr).to.equal(0);
    expect(t.stdout).to.contain('kind: CustomResourceDefinition').and.contain('kind: MutatingWebhookConfiguration');
    const bad = await helm(['template', 'nifi-ca-guard', tgz, '--set', 'replicas=two']);
    expect(bad.stderr).to.contain('replicas: Invalid type');
  });

  it('declares Kubernetes 1.20 as the oldest it installs on', async () => {
    expect((await helm(['template', 'x', CHART, '--kube-version', '1.20.0'])).code).to.equal(0);
    const old = await helm(['template', 'x', CHART, '--kube-version', '1.19.16']);
    expect(old.code).to.not.equal(0);
    expect(old.stderr).to.contain('chart requires kubeVersion: >=1.20.0-0 which is incompatible with Kubernetes v1.19.16');
  });

  describe('helm lint passes, plain and --strict', () => {
    for (const [name, values] of MODES) {
      it(name, async () => {
        const file = valuesFile(values);
        for (const strict of [[], ['--strict']]) {
          const r = await helm(['lint', CHART, '-f', file, ...strict]);
          expect(r.code, r.stdout + r.stderr).to.equal(0);
          expect(r.stdout).to.contain('1 chart(s) linted, 0 chart(s) failed');
          expect(r.stdout).to.not.match(/\[(WARNING|ERROR)\]/);
        }
      });
    }
  });
});
