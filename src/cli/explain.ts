import type { Command } from 'commander';
import { Option } from 'commander';
import { exitStatus } from '../errors.js';
import { FACTS_NOT_CHECKED, type Fallback, type PolicyContext } from '../explain/explain.js';
import { explainObject, type ExplainContext } from '../explain/objects.js';
import { renderJson, renderText } from '../explain/render.js';
import { DEFAULT_NAMESPACE } from '../install/names.js';
import { NO_FACTS } from '../mutation/facts.js';
import type { Json } from '../mutation/pod.js';
import { PolicyError, PolicyFileError } from '../policy/errors.js';
import { builtinPolicy, readPolicyFile } from '../policy/load.js';
import { POLICY_KIND, type Policy } from '../policy/types.js';
import { validatePolicy, type PolicyDefaults } from '../policy/validate.js';
import { CliError, oneLine } from './errors.js';
import { checkNamespaceFlag, readObjects } from './input.js';

interface ExplainOptions {
  filename?: string;
  pod?: string;
  policy?: string;
  clusterPolicies?: string;
  initImage?: string;
  namespace: string;
  installNamespace: string;
  output: 'text' | 'json';
  kubeconfig?: string;
  context?: string;
}

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('explain what the webhook does to a pod and why, and whether a running pod drifted from its policy')
    .option('-f, --filename <file>', 'a Pod or workload (YAML or JSON), or - for standard input')
    .option('--pod <namespace/name>', 'a pod in the cluster, read through the kubeconfig')
    .option('--policy <file>', "fallback NiFiTrustPolicy file (default: with --pod the install's policy ConfigMap, else the built-in policy)")
    .option('--cluster-policies <file>', 'NiFiTrustPolicy objects as the cluster holds them (kubectl get nifitrustpolicies -o yaml); with --pod: instead of listing them')
    .option('--init-image <image>', "the webhook's init image (serve --init-image; with --pod read from the install's Deployment)")
    .option('-n, --namespace <ns>', 'namespace for objects in the file that name none', 'default')
    .option('--install-namespace <ns>', "namespace of the webhook's install (its policy ConfigMap and Deployment)", DEFAULT_NAMESPACE)
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--kubeconfig <file>', 'kubeconfig for --pod (default: KUBECONFIG, else ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context for --pod')
    .addHelpText(
      'after',
      `
For each pod: the policy that governs it and why, its role and the selector that gave it, each
feature's state (would be added, present, skipped and why, not applicable and why, drifted), the
warnings the webhook would return at admission, and for a pod the webhook mutated (its
nifi-ca-guard.io annotations) or any --pod: whether what it carries is what the policy would inject
now. Cluster facts (nodes, pods, Secrets: metadata only) are read with --pod only.

Exit status:
  0  explained (also when drifted: read "drift", or .items[].drift.drifted in -o json)
  ${exitStatus('Failed')}  bad input: unreadable file, no pod in it, no such pod, no kubeconfig, invalid policy
  ${exitStatus('Usage')}  usage error (neither or both of -f and --pod)
`,
    )
    .action((opts: ExplainOptions) => runExplain(opts));
}

async function runExplain(opts: ExplainOptions): Promise<void> {
  if ((opts.filename === undefined) === (opts.pod === undefined)) throw new CliError('give one of -f FILE or --pod NAMESPACE/NAME', 'Usage');
  checkNamespaceFlag(opts.namespace);
  checkNamespaceFlag(opts.installNamespace);
  const notes: string[] = [];
  const defaults: PolicyDefaults = opts.initImage ? { initImage: opts.initImage } : {};
  const items = opts.pod !== undefined ? await explainRunning(opts, opts.pod, defaults, notes) : explainFile(opts, opts.filename!, defaults, notes);
  process.stdout.write(opts.output === 'json' ? renderJson(items, notes) : renderText(items, notes));
}

function explainFile(opts: ExplainOptions, filename: string, defaults: PolicyDefaults, notes: string[]) {
  const fallback = opts.policy ? fromFile(opts.policy, defaults) : { policy: builtinPolicy(defaults), source: { source: 'builtin', where: '' } as Fallback };
  const cluster = opts.clusterPolicies ? clusterPoliciesFile(opts.clusterPolicies, defaults, notes) : undefined;
  const ctx: ExplainContext = {
    policies: { set: { fallback: fallback.policy, cluster: cluster ?? [] }, fallback: fallback.source, clusterRead: cluster !== undefined },
    facts: NO_FACTS,
    factsReport: FACTS_NOT_CHECKED,
    running: false,
  };
  const { objects, source } = readObjects(filename);
  const items = objects.flatMap((o) => explainObject(o, opts.namespace, ctx) ?? []);
  if (items.length === 0) throw new CliError(`${source}: no Pod or workload with a pod template to explain`);
  return items;
}

async function explainRunning(opts: ExplainOptions, ref: string, defaults: PolicyDefaults, notes: string[]) {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-.a-z0-9]*[a-z0-9])?)$/.exec(ref);
  if (!m) throw new CliError(`--pod: must be NAMESPACE/NAME, got ${JSON.stringify(ref)}`, 'Usage');
  const [namespace, name] = [m[1]!, m[3]!];
  const cluster = await import('./explain-cluster.js');
  const api = await cluster.userApi(opts);
  const pod = await cluster.readPod(api, namespace, name);
  if (!opts.initImage) {
    const image = await cluster.readInitImage(api, opts.installNamespace, notes);
    if (image) defaults = { initImage: image };
  }
  const policies = opts.clusterPolicies
    ? clusterPoliciesFile(opts.clusterPolicies, defaults, notes)
    : validClusterPolicies(await cluster.readClusterPolicies(api), defaults, notes, 'the cluster');
  let fallback: { policy: Policy; source: Fallback };
  if (opts.policy) fallback = fromFile(opts.policy, defaults);
  else {
    const fromCm = await cluster.readPolicyConfigMap(api, opts.installNamespace, defaults, notes).catch((err: unknown) => {
      throw err instanceof PolicyError ? err : new CliError(oneLine(err));
    });
    fallback = fromCm
      ? { policy: fromCm, source: { source: 'configmap', where: `${opts.installNamespace}/nifi-ca-guard-policy` } }
      : { policy: builtinPolicy(defaults), source: { source: 'builtin', where: '' } };
  }
  const context: PolicyContext = { set: { fallback: fallback.policy, cluster: policies }, fallback: fallback.source, clusterRead: true };
  const { facts, report } = await cluster.readFacts(api, { namespace, name }, context.set);
  const obj: Json = { ...pod, kind: 'Pod', metadata: { ...(pod.metadata as Json), namespace } };
  return [explainObject(obj, namespace, { policies: context, facts, factsReport: report, running: true })!];
}

function fromFile(path: string, defaults: PolicyDefaults): { policy: Policy; source: Fallback } {
  try {
    return { policy: readPolicyFile(path, defaults).policy, source: { source: 'file', where: path } };
  } catch (err) {
    if (err instanceof PolicyError || err instanceof PolicyFileError) throw err;
    throw new CliError(`--policy ${path}: ${oneLine(err)}`);
  }
}

function clusterPoliciesFile(path: string, defaults: PolicyDefaults, notes: string[]): Policy[] {
  const objects = readObjects(path).objects;
  const others = objects.filter((o) => o.kind !== POLICY_KIND);
  if (others.length > 0) throw new CliError(`--cluster-policies ${path}: holds a ${String(others[0]!.kind)}, not only NiFiTrustPolicy objects`);
  return validClusterPolicies(objects, defaults, notes, path);
}

/** As the webhook's watch: an invalid object is not in force (the webhook may still hold its last good version). */
function validClusterPolicies(objects: readonly unknown[], defaults: PolicyDefaults, notes: string[], where: string): Policy[] {
  const out: Policy[] = [];
  for (const o of objects) {
    const r = validatePolicy(o, defaults);
    if (r.ok) out.push(r.policy);
    else notes.push(`a NiFiTrustPolicy in ${where} is invalid and not in force (the webhook may keep its last good version): ${r.issues[0]}`);
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
