// `nifi-ca-guard policy suggest`: reads a rendered release and prints a commented NiFiTrustPolicy for it.
import type { Command } from 'commander';
import { isDnsSubdomain } from '../policy/fields.js';
import { renderedPolicyIssues } from '../suggest/check.js';
import { renderSuggestion } from '../suggest/render.js';
import { suggestPolicy } from '../suggest/suggest.js';
import { CliError, oneLine } from './errors.js';
import { checkNamespaceFlag, readObjects } from './input.js';

interface SuggestFlags {
  filename: string;
  namespace?: string;
  name?: string;
}

export function registerPolicy(program: Command): void {
  const policy = program.command('policy').description('work with NiFiTrustPolicy documents');
  policy
    .command('suggest')
    .description('print a commented NiFiTrustPolicy for the NiFi and nifi-ca workloads of a rendered release')
    .requiredOption('-f, --filename <file>', 'YAML or JSON file (helm template output, multi-document, Lists), or - for standard input')
    .option('-n, --namespace <ns>', "the policy's namespace (default: the one the input's objects name)")
    .option('--name <name>', "the policy's name (default: the NiFi workload's release label, else nifi)")
    .action((flags: SuggestFlags) => suggest(flags));
}

function suggest(flags: SuggestFlags): void {
  if (flags.namespace !== undefined) checkNamespaceFlag(flags.namespace);
  if (flags.name !== undefined && !isDnsSubdomain(flags.name)) {
    throw new CliError(`--name: must be a DNS subdomain (lowercase alphanumerics, "-" and "."), got ${JSON.stringify(flags.name)}`);
  }
  const { objects } = readObjects(flags.filename);
  let out: string;
  try {
    out = renderSuggestion(suggestPolicy(objects, { source: flags.filename, namespace: flags.namespace, name: flags.name }));
  } catch (err) {
    throw new CliError(oneLine(err));
  }
  // Never print a policy the webhook would refuse.
  const issues = renderedPolicyIssues(out);
  if (issues.length > 0) throw new CliError(`internal error: the suggested policy does not validate: ${issues.join('; ')}`);
  process.stdout.write(out);
}
