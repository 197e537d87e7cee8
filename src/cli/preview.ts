import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { stringify } from 'yaml';
import { builtinPolicy, loadPolicyFile } from '../policy/load.js';
import { coverage } from '../preview/coverage.js';
import { previewFacts } from '../preview/facts.js';
import { previewObject, type PreviewItem } from '../preview/preview.js';
import { exitStatus } from '../errors.js';
import { CheckFailed } from './errors.js';
import { checkNamespaceFlag, readObjects } from './input.js';

interface PreviewOptions {
  filename: string;
  policy?: string;
  output: 'yaml' | 'json' | 'patch';
  namespace: string;
  failOnUnmatched?: boolean;
  nodes?: number;
}

export function registerPreview(program: Command): void {
  program
    .command('preview')
    .description('show offline what the webhook would do to Pods and workload templates')
    .requiredOption('-f, --filename <file>', 'YAML or JSON file, or - for standard input')
    .option('--policy <file>', 'NiFiTrustPolicy file (default: the built-in policy)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json', 'patch']).default('yaml'))
    .option('-n, --namespace <ns>', 'namespace for objects that name none', 'default')
    .option('--nodes <n>', "the cluster's nodes (distinct values of the policy's placement.topologyKey): warns when required anti-affinity cannot place the NiFi pods in the files plus nifi-ca", nodeCount)
    .option('--fail-on-unmatched', `exit ${exitStatus('CheckFailed')} when a workload that looks like NiFi or a nifi-ca gets no role (output is still printed)`)
    .addHelpText(
      'after',
      `
Each object that creates pods but gets no role is named on stderr, with its pod labels
beside the policy's selectors. When one that looks like a nifi-ca (or NiFi) is missed, the
NiFi (or nifi-ca) items warn that their anti-affinity selectors match nothing here.

Exit status:
  0  done (also when something got no role, unless --fail-on-unmatched)
  ${exitStatus('Failed')}  bad input: unreadable file, invalid YAML or JSON, invalid policy
  ${exitStatus('Usage')}  usage error
  ${exitStatus('CheckFailed')}  --fail-on-unmatched: a workload that looks like NiFi or a nifi-ca got no role
     (labels match no selector or both, or its namespace is outside the policy's)
`,
    )
    .action((opts: PreviewOptions) => runPreview(opts));
}

function runPreview(opts: PreviewOptions): void {
  checkNamespaceFlag(opts.namespace);
  const policy = opts.policy ? loadPolicyFile(opts.policy) : builtinPolicy();
  const { objects } = readObjects(opts.filename);
  const facts = previewFacts(objects, opts.namespace, opts.nodes);
  const items = objects.map((o, n) => previewObject(o, opts.namespace, policy, facts(n)));
  const report = coverage(items, policy);
  items.forEach((item, n) => {
    const { warnings, line } = report[n]!;
    for (const w of [...item.warnings, ...warnings]) process.stderr.write(`Warning: ${item.ref}: ${w}\n`);
    if (line) process.stderr.write(`${line}\n`);
  });
  process.stdout.write(render(items, opts.output));
  const unmatched = items.filter((_, n) => report[n]!.unmatched).map((i) => i.ref);
  // After the output, so CI logs show the whole preview along with the failure.
  if (opts.failOnUnmatched && unmatched.length > 0) {
    throw new CheckFailed(`--fail-on-unmatched: no role for what looks like NiFi or a nifi-ca: ${unmatched.join(', ')}`);
  }
}

function render(items: PreviewItem[], format: PreviewOptions['output']): string {
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

function nodeCount(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('a whole number of nodes, 1 or more');
  return n;
}
