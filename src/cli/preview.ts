import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import { stringify } from 'yaml';
import { isDnsLabel } from '../policy/fields.js';
import { builtinPolicy, loadPolicyFile } from '../policy/load.js';
import { flatten, previewObject } from '../preview/preview.js';
import { parseObjects } from '../preview/read.js';
import { CliError, oneLine } from './errors.js';

interface PreviewOptions {
  filename: string;
  policy?: string;
  output: 'yaml' | 'json' | 'patch';
  namespace: string;
}

export function registerPreview(program: Command): void {
  program
    .command('preview')
    .description('show offline what the webhook would do to Pods and workload templates')
    .requiredOption('-f, --filename <file>', 'YAML or JSON file, or - for standard input')
    .option('--policy <file>', 'NiFiTrustPolicy file (default: the built-in policy)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json', 'patch']).default('yaml'))
    .option('-n, --namespace <ns>', 'namespace for objects that name none', 'default')
    .action((opts: PreviewOptions) => runPreview(opts));
}

function runPreview(opts: PreviewOptions): void {
  // It ends up in anti-affinity terms: a name the API server would refuse must not look previewable.
  if (!isDnsLabel(opts.namespace)) throw new CliError(`-n: must be a namespace name (DNS label), got ${JSON.stringify(opts.namespace)}`);
  const policy = opts.policy ? loadPolicyFile(opts.policy) : builtinPolicy();
  const source = opts.filename === '-' ? '(stdin)' : opts.filename;
  let text: string;
  try {
    text = readFileSync(opts.filename === '-' ? 0 : opts.filename, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${source}: ${(err as NodeJS.ErrnoException).code ?? oneLine(err)}`);
  }
  let objects;
  try {
    objects = flatten(parseObjects(text, source));
  } catch (err) {
    throw new CliError(oneLine(err));
  }
  if (objects.length === 0) throw new CliError(`${source}: no Kubernetes objects found`);
  const items = objects.map((o) => previewObject(o, opts.namespace, policy));
  for (const item of items) for (const w of item.warnings) process.stderr.write(`Warning: ${item.ref}: ${w}\n`);
  process.stdout.write(render(items, opts.output));
}

function render(items: ReturnType<typeof previewObject>[], format: PreviewOptions['output']): string {
  if (format === 'patch') {
    return `${JSON.stringify(items.map((i) => ({ object: i.ref, role: i.role, patch: i.patch })), null, 2)}\n`;
  }
  const results = items.map((i) => i.result);
  if (format === 'json') {
    const out = results.length === 1 ? results[0] : { apiVersion: 'v1', kind: 'List', items: results };
    return `${JSON.stringify(out, null, 2)}\n`;
  }
  return results.map((r) => stringify(r, { lineWidth: 0 })).join('---\n');
}
