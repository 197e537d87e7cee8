// The real helm and kubectl that hack/install-helm.sh puts in .tools/bin (make helm), and the chart.
// Nothing here is faked: every render is helm's or kustomize's own output, parsed.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../../src/install/types.js';
import { repoPath } from '../../support/paths.js';
import { run, type Run } from '../../support/run.js';

const BIN = process.env.NIFI_CA_GUARD_TOOLS_BIN ?? repoPath('.tools', 'bin');
export const HELM = join(BIN, 'helm');
export const KUBECTL = join(BIN, 'kubectl');
export const CHART = repoPath('charts', 'nifi-ca-guard');

/** A clear failure instead of ENOENT when the tools were not installed. */
export function requireTools(): void {
  for (const tool of [HELM, KUBECTL]) {
    if (!existsSync(tool)) throw new Error(`${tool} is missing: run \`make test-chart\` (it runs hack/install-helm.sh first)`);
  }
}

let helmHome: string | undefined;
export function helm(args: string[]): Promise<Run> {
  helmHome ??= scratch('helm-home');
  return run(HELM, args, { HELM_CACHE_HOME: join(helmHome, 'cache'), HELM_CONFIG_HOME: join(helmHome, 'config'), HELM_DATA_HOME: join(helmHome, 'data') });
}

export function kubectl(args: string[]): Promise<Run> {
  return run(KUBECTL, args);
}

let scratchRoot: string | undefined;
/** A fresh directory under this test run's own (helm's home dirs, values files, outputs), removed at exit. */
export function scratch(name: string): string {
  if (!scratchRoot) {
    const root = mkdtempSync(join(tmpdir(), 'chart-test-'));
    process.on('exit', () => rmSync(root, { recursive: true, force: true }));
    scratchRoot = root;
  }
  return mkdtempSync(join(scratchRoot, `${name}-`));
}

let valuesCount = 0;
/**
 * Values as a file (helm -f), so types are what the test says, not what --set guesses. Written as JSON
 * (which is YAML): Helm reads YAML 1.1, where an unquoted yes or on would be a boolean.
 */
export function valuesFile(values: unknown): string {
  const path = join(scratch('values'), `values-${valuesCount++}.yaml`);
  writeFileSync(path, JSON.stringify(values, null, 2));
  return path;
}

/** Multi-document YAML -> objects, failing on any parse error; empty documents dropped. */
export function parseObjects(text: string, what: string): KubeObject[] {
  return parseAllDocuments(text).flatMap((d) => {
    if (d.errors.length > 0) throw new Error(`${what}: ${d.errors[0]!.message}`);
    const o = d.toJS() as KubeObject | null;
    return o === null ? [] : [o];
  });
}

export interface RenderOptions {
  release?: string;
  namespace?: string;
  values?: unknown;
}

/** `helm template` of the chart; throws with helm's stderr when it fails. */
export async function template(opts: RenderOptions = {}): Promise<KubeObject[]> {
  const r = await templateRun(opts);
  if (r.code !== 0) throw new Error(`helm template exited ${r.code}: ${r.stderr.trim()}`);
  return parseObjects(r.stdout, 'helm template');
}

export function templateRun(opts: RenderOptions = {}): Promise<Run> {
  const args = ['template', opts.release ?? 'nifi-ca-guard', CHART, '--namespace', opts.namespace ?? 'nifi-ca-guard'];
  if (opts.values !== undefined) args.push('-f', valuesFile(opts.values));
  return helm(args);
}

/** `kubectl kustomize manifests/` with kubectl 1.30. */
export async function kustomize(): Promise<KubeObject[]> {
  const r = await kubectl(['kustomize', repoPath('manifests')]);
  if (r.code !== 0) throw new Error(`kubectl kustomize exited ${r.code}: ${r.stderr.trim()}`);
  return parseObjects(r.stdout, 'kubectl kustomize manifests/');
}

export const find = (objects: KubeObject[], kind: string, name?: string): KubeObject | undefined =>
  objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));

export function only(objects: KubeObject[], kind: string): KubeObject {
  const all = objects.filter((o) => o.kind === kind);
  if (all.length !== 1) throw new Error(`expected one ${kind}, found ${all.length}`);
  return all[0]!;
}

/** Every value under a key named `key`, anywhere in the objects, with its path. */
export function fieldsNamed(value: unknown, key: string, path = '', found: Array<{ path: string; value: unknown }> = []) {
  if (Array.isArray(value)) value.forEach((v, i) => fieldsNamed(v, key, `${path}[${i}]`, found));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === key) found.push({ path: `${path}.${k}`, value: v });
      fieldsNamed(v, key, `${path}.${k}`, found);
    }
  }
  return found;
}
