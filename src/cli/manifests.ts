// `nifi-ca-guard manifests --policy FILE`: the whole install for a policy, as multi-document YAML on
// stdout, for GitOps. What goes in it is decided in src/install/; this is the edge (flags, file, output).
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { DEFAULT_INSTALL, InstallError, renderInstall, type InstallOptions } from '../install/render.js';
import { readPolicyFile } from '../policy/load.js';
import { VERSION } from '../version.js';
import { CliError } from './errors.js';
import type { Register } from './index.js';

interface ManifestsFlags extends InstallOptions {
  policy: string;
}

export const registerManifests: Register = (program: Command) => {
  program
    .command('manifests')
    .description('print the whole install (CRD, RBAC, Deployment, webhook configuration, ...) for a policy file, as YAML')
    .requiredOption('--policy <file>', 'NiFiTrustPolicy file: goes into the policy ConfigMap; its selectors decide which pods reach the webhook')
    .option('-n, --namespace <ns>', "the webhook's namespace", DEFAULT_INSTALL.namespace)
    .option('--image <image>', "the webhook's image; the policy's init containers are pinned to it", DEFAULT_INSTALL.image)
    .action((flags: ManifestsFlags) => runManifests(flags));
};

function runManifests(flags: ManifestsFlags): void {
  const read = readPolicyFile(flags.policy);
  // A ConfigMap given as the policy: its policy text, not the ConfigMap, goes into the new one.
  const source = { policy: read.policy, text: read.policyText };
  let install;
  try {
    install = renderInstall(source, { namespace: flags.namespace, image: flags.image });
  } catch (err) {
    if (err instanceof InstallError) throw new CliError(`--${err.option}: ${err.problem}`);
    throw err;
  }
  for (const note of install.notes) process.stderr.write(`nifi-ca-guard: note: ${note}\n`);
  // YAML 1.1 quoting: kubectl and other Go tools read `off`, `yes` or `on` unquoted as booleans.
  const docs = install.objects.map((o) => stringify(o, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false }));
  process.stdout.write(header(source.policy.name, flags.namespace) + docs.join('---\n'));
}

function header(policy: string, namespace: string): string {
  return [
    `# nifi-ca-guard ${VERSION}: the install for policy ${policy}, webhook in namespace ${namespace} (nifi-ca-guard manifests).`,
    '# TLS is self-managed: the webhook creates its CA and certificate in a Secret and sets every caBundle (no manual step).',
    '',
  ].join('\n');
}
