// `explain --pod`: the reads, on the user's kubeconfig. The pod itself; the NiFiTrustPolicy objects; the
// install's policy ConfigMap and the init image its Deployment gives the webhook (both best effort); and
// the cluster facts the webhook's warnings use, as metadata only (PartialObjectMetadata: Secrets' data
// never leaves the API server). The Kubernetes client is imported only here, so `explain -f` starts fast.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { errorLine, kubeApi, type Api, type Json } from '../cluster/api.js';
import type { FactsReport } from '../explain/explain.js';
import { factsFrom, type ClusterFacts, type FactLists } from '../mutation/facts.js';
import { INIT_IMAGE_ENV, NAME, POLICY_CONFIGMAP } from '../install/names.js';
import { readPolicyText } from '../policy/load.js';
import { resolvePolicy, type PolicySet } from '../policy/policy-set.js';
import { API_GROUP, POLICY_CONFIG_KEY, type Policy } from '../policy/types.js';
import type { PolicyDefaults } from '../policy/validate.js';
import { CliError, oneLine } from './errors.js';

const META = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';
const META_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
const PAGE = 500;

export interface ClusterOptions {
  kubeconfig?: string;
  context?: string;
}

/** A JSON API client on the user's kubeconfig (--kubeconfig, else KUBECONFIG or ~/.kube/config), in --context if given. */
export async function userApi(opts: ClusterOptions): Promise<Api> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  try {
    if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`cannot load the kubeconfig${opts.kubeconfig ? ` ${opts.kubeconfig}` : ''}: ${code ?? oneLine(err)}`);
  }
  // With nothing configured the client falls back to an unauthenticated http://localhost:8080.
  if (!opts.kubeconfig && kc.getCurrentContext() === 'loaded-context' && kc.getCurrentCluster()?.server === 'http://localhost:8080') {
    throw new CliError(`no Kubernetes cluster configured: KUBECONFIG is not set and ${join(homedir(), '.kube', 'config')} does not exist; set KUBECONFIG or --kubeconfig, or explain a file with -f`);
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) throw new CliError(`--context ${opts.context}: no such context in the kubeconfig`);
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()?.server) throw new CliError('the kubeconfig has no current context with a cluster; pick one with --context NAME');
  try {
    return kubeApi(kc, 'nifi-ca-guard-explain');
  } catch (err) {
    throw new CliError(`cannot use the kubeconfig: ${oneLine(err)}`);
  }
}

export async function readPod(api: Api, namespace: string, name: string): Promise<Json> {
  let pod: Json | undefined;
  try {
    pod = await api.get(`/api/v1/namespaces/${enc(namespace)}/pods/${enc(name)}`);
  } catch (err) {
    throw new CliError(`cannot read pod ${namespace}/${name}: ${errorLine(err)}`);
  }
  if (!pod) throw new CliError(`pod ${namespace}/${name} not found (check the namespace and name, or the kubeconfig's context)`);
  return pod;
}

/** The NiFiTrustPolicy objects; none when the CRD is not installed. A refused list is an error: the answer would be a guess. */
export async function readClusterPolicies(api: Api): Promise<unknown[]> {
  let list: Json | undefined;
  try {
    list = await api.get(`/apis/${API_GROUP}/v1alpha1/nifitrustpolicies`);
  } catch (err) {
    throw new CliError(`cannot list NiFiTrustPolicy objects: ${errorLine(err)} (or pass them with --cluster-policies FILE)`);
  }
  return Array.isArray(list?.items) ? list.items : [];
}

/** NIFI_CA_GUARD_INIT_IMAGE of the install's Deployment: the image the webhook fills into every policy. */
export async function readInitImage(api: Api, installNamespace: string, notes: string[]): Promise<string | undefined> {
  try {
    const d = await api.get(`/apis/apps/v1/namespaces/${enc(installNamespace)}/deployments/${NAME}`);
    if (!d) return undefined; // not installed there (a webhook run elsewhere): the build's own image
    const spec = (d.spec as Json | undefined)?.template as Json | undefined;
    const containers = ((spec?.spec as Json | undefined)?.containers ?? []) as Json[];
    for (const c of containers) {
      const env = Array.isArray(c.env) ? (c.env as Json[]) : [];
      const e = env.find((x) => x.name === INIT_IMAGE_ENV);
      if (e && typeof e.value === 'string' && e.value !== '') return e.value;
    }
  } catch (err) {
    notes.push(`init image: cannot read Deployment ${installNamespace}/${NAME} (${errorLine(err)}); assuming this build's image (or pass --init-image)`);
  }
  return undefined;
}

/** The install's policy ConfigMap, when there is one and it can be read. */
export async function readPolicyConfigMap(api: Api, installNamespace: string, defaults: PolicyDefaults, notes: string[]): Promise<Policy | undefined> {
  const where = `${installNamespace}/${POLICY_CONFIGMAP}`;
  let cm: Json | undefined;
  try {
    cm = await api.get(`/api/v1/namespaces/${enc(installNamespace)}/configmaps/${POLICY_CONFIGMAP}`);
  } catch (err) {
    notes.push(`cannot read ConfigMap ${where} (${errorLine(err)}): the built-in policy is the fallback (or pass --policy)`);
    return undefined;
  }
  const text = (cm?.data as Json | undefined)?.[POLICY_CONFIG_KEY];
  if (typeof text !== 'string') return undefined;
  return readPolicyText(text, `ConfigMap ${where}`, defaults).policy;
}

/**
 * The facts the webhook's checks use: Node labels, the labels of the other pods in the namespace, and
 * whether the Secrets the governing policy names exist there. Each one not readable is "not known".
 */
export async function readFacts(api: Api, pod: { namespace: string; name: string }, set: PolicySet): Promise<{ facts: ClusterFacts; report: FactsReport }> {
  const notes: string[] = [];
  const lists: FactLists = {};
  const nodes = await listMeta(api, '/api/v1/nodes', 'nodes', notes);
  if (nodes) lists.nodes = nodes.map(labelsOf);
  const pods = await listMeta(api, `/api/v1/namespaces/${enc(pod.namespace)}/pods`, `pods in ${pod.namespace}`, notes);
  if (pods) lists.pods = pods.filter((p) => p.metadata?.name !== pod.name).map((p) => ({ namespace: pod.namespace, labels: labelsOf(p) }));
  const secrets: Record<string, boolean | null> = {};
  const exists = new Set<string>();
  const checked = new Set<string>();
  const r = resolvePolicy(set, pod.namespace);
  for (const name of r.kind === 'policy' ? secretNames(r.policy) : []) {
    try {
      const found = (await api.get(`/api/v1/namespaces/${enc(pod.namespace)}/secrets/${enc(name)}`, META)) !== undefined;
      secrets[name] = found;
      checked.add(`${pod.namespace}/${name}`);
      if (found) exists.add(`${pod.namespace}/${name}`);
    } catch (err) {
      secrets[name] = null;
      notes.push(`Secret ${name} not known: ${errorLine(err)}`);
    }
  }
  lists.secrets = exists;
  lists.secretsChecked = checked;
  return {
    facts: factsFrom(lists),
    report: { checked: true, nodes: lists.nodes?.length ?? null, pods: lists.pods?.length ?? null, secrets, notes },
  };
}

/** The Secrets a pod under this policy may reference, whatever its role (only the relevant ones are asked about). */
function secretNames(p: Policy): string[] {
  const tb = p.spec.trustBundle;
  const names = [tb.enabled ? tb.secretName : '', tb.enabled ? tb.password.secretName : '', p.spec.caPinning.enabled ? p.spec.caPinning.secretName : ''];
  return [...new Set(names.filter((n) => n !== ''))];
}

interface Meta {
  metadata?: { name?: string; labels?: Record<string, string> };
}

async function listMeta(api: Api, path: string, what: string, notes: string[]): Promise<Meta[] | undefined> {
  const items: Meta[] = [];
  let token = '';
  try {
    do {
      const page = await api.get(`${path}?limit=${PAGE}${token ? `&continue=${encodeURIComponent(token)}` : ''}`, META_LIST);
      if (!page) throw new Error('HTTP 404');
      if (Array.isArray(page.items)) items.push(...(page.items as Meta[]));
      const next = (page.metadata as Json | undefined)?.continue;
      token = typeof next === 'string' ? next : '';
    } while (token);
  } catch (err) {
    notes.push(`${what} not known: ${errorLine(err)}`);
    return undefined;
  }
  return items;
}

function labelsOf(o: Meta): Record<string, string> {
  const l = o.metadata?.labels;
  return l && typeof l === 'object' ? Object.fromEntries(Object.entries(l).filter(([, v]) => typeof v === 'string')) : {};
}

const enc = encodeURIComponent;
