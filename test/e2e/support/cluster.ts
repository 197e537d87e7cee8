// Cluster helpers over kubectl: namespaces, kubelet-less nodes, pods, events, node loss.
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES } from './env.js';
import { getJson, kubectl, kubectlOk } from './kubectl.js';
import { eventually } from './wait.js';
import { rawRequest } from './raw.js';

export const NODE_LABEL = 'e2e.nifi-ca-guard.io/node';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deletionTimestamp?: string;
  creationTimestamp?: string;
  ownerReferences?: Array<{ kind: string; name: string }>;
  uid?: string;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}
export interface PodAffinityTerm {
  labelSelector?: LabelSelector;
  topologyKey: string;
  namespaces?: string[];
}
export interface WeightedPodAffinityTerm {
  weight: number;
  podAffinityTerm: PodAffinityTerm;
}
export interface Container {
  name: string;
  image?: string;
  env?: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}
export interface Pod {
  metadata: ObjectMeta;
  spec: {
    nodeName?: string;
    containers: Container[];
    initContainers?: Container[];
    volumes?: Array<{ name: string; secret?: { secretName: string }; emptyDir?: unknown }>;
    affinity?: {
      podAntiAffinity?: {
        requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
        preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[];
      };
    };
  };
  status?: { phase?: string; conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
}
export interface KEvent {
  metadata: ObjectMeta;
  reason: string;
  message: string;
  type: string;
  involvedObject: { kind: string; name: string; namespace?: string; uid?: string };
  count?: number;
}
interface List<T> {
  items: T[];
}

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

export function readFixture(name: string): string {
  return fs.readFileSync(fixture(name), 'utf8');
}

/**
 * A namespace labelled as Kubernetes 1.21+ labels every namespace (1.20 does not), and ready for pods:
 * the ServiceAccount admission plugin needs its `default` ServiceAccount, which the controller-manager creates.
 */
export async function createNamespace(name: string): Promise<void> {
  const doc = JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } });
  await kubectlOk(['apply', '-f', '-'], { input: doc });
  await eventually(`ServiceAccount ${name}/default`, async () =>
    (await kubectl(['-n', name, 'get', 'serviceaccount', 'default'])).code === 0 ? true : undefined,
  );
}

/**
 * Removes a namespace's workloads and pods without waiting for kubelets that do not exist:
 * controllers first (so nothing recreates pods), then every pod force-deleted, then the namespace.
 */
export async function deleteNamespace(name: string): Promise<void> {
  await kubectl(['-n', name, 'delete', 'statefulsets,deployments,replicasets', '--all', '--wait=false']);
  await kubectl(['-n', name, 'delete', 'pods', '--all', '--grace-period=0', '--force', '--wait=false']);
  await kubectl(['delete', 'namespace', name, '--wait=false']);
}

/**
 * Kubelet-less nodes: a Node object, then its /status with capacity, allocatable and Ready, then the
 * not-ready taint lifted (no kubelet ever reports; the node lifecycle controller is off, so nothing
 * marks them NotReady or evicts their pods).
 */
export async function createNodes(names: readonly string[]): Promise<void> {
  for (const name of names) {
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', [NODE_LABEL]: 'true' } },
      spec: {},
    };
    await kubectlOk(['create', '-f', '-'], { input: JSON.stringify(node) });
    await setNodeReady(name);
  }
}

async function setNodeReady(name: string): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const resources = { cpu: '8', memory: '32Gi', pods: '110', 'ephemeral-storage': '100Gi' };
  const status = {
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'e2e node without kubelet', lastHeartbeatTime: now, lastTransitionTime: now },
      ],
      addresses: [{ type: 'Hostname', address: name }],
      nodeInfo: {
        architecture: 'amd64', operatingSystem: 'linux', kubeletVersion: 'v1.20.2', kubeProxyVersion: 'v1.20.2',
        bootID: '', containerRuntimeVersion: '', kernelVersion: '', machineID: '', osImage: '', systemUUID: '',
      },
    },
  };
  await patchStatus('nodes', name, status);
  // The TaintNodesByCondition admission plugin created the node with node.kubernetes.io/not-ready:NoSchedule;
  // the node lifecycle controller (off here) would lift it once Ready. Lift it the same way.
  await kubectlOk(['taint', 'node', name, 'node.kubernetes.io/not-ready-']);
  await eventually(`node ${name} allocatable and untainted`, async () => {
    const n = await getJson<{ spec?: { taints?: unknown[] }; status?: { allocatable?: Record<string, string> } }>(['node', name]);
    return n.status?.allocatable?.pods && (n.spec?.taints ?? []).length === 0 ? true : undefined;
  });
}

/** PATCH .../status as a merge patch (kubectl 1.20 has no --subresource flag). */
async function patchStatus(resource: string, name: string, body: unknown): Promise<void> {
  await rawRequest('PATCH', `/api/v1/${resource}/${name}/status`, body, 'application/merge-patch+json');
}

/** Nodes this suite created (labelled NODE_LABEL). */
export async function e2eNodes(): Promise<string[]> {
  const list = await getJson<List<{ metadata: ObjectMeta }>>(['nodes', '-l', NODE_LABEL]);
  return list.items.map((n) => n.metadata.name).sort();
}

export async function deleteAllE2eNodes(): Promise<void> {
  await kubectl(['delete', 'nodes', '-l', NODE_LABEL, '--wait=true'], { timeoutMs: 60_000 });
}

/** One node lost: cordoned (unschedulable) or removed, and its pods gone (force-deleted: no kubelet to confirm). */
export async function loseNode(node: string, how: 'cordon' | 'delete', namespace: string): Promise<void> {
  if (how === 'cordon') await kubectlOk(['cordon', node]);
  else await kubectlOk(['delete', 'node', node, '--wait=true'], { timeoutMs: 60_000 });
  const victims = (await pods(namespace)).filter((p) => p.spec.nodeName === node).map((p) => p.metadata.name);
  if (victims.length > 0) {
    await kubectlOk(['-n', namespace, 'delete', 'pod', ...victims, '--grace-period=0', '--force', '--wait=false']);
  }
}

export async function pods(namespace: string, selector?: string): Promise<Pod[]> {
  const args = ['pods', '-n', namespace];
  if (selector) args.push('-l', selector);
  const list = await getJson<List<Pod>>(args);
  return list.items.filter((p) => !p.metadata.deletionTimestamp);
}

export async function pod(namespace: string, name: string): Promise<Pod> {
  return getJson<Pod>(['pod', '-n', namespace, name]);
}

/** Waits until `count` live pods match the selector and every one of them is bound to a node. */
export async function waitBound(namespace: string, selector: string, count: number, timeoutMs = 60_000): Promise<Pod[]> {
  return eventually(`${count} bound pod(s) ${selector} in ${namespace}`, async () => {
    const got = await pods(namespace, selector);
    return got.length === count && got.every((p) => p.spec.nodeName) ? got : undefined;
  }, { timeoutMs });
}

export async function events(namespace: string, reason?: string): Promise<KEvent[]> {
  const args = ['events', '-n', namespace];
  if (reason) args.push(`--field-selector=reason=${reason}`);
  return (await getJson<List<KEvent>>(args)).items;
}

/** Waits for an event of `reason` on the named object whose message matches. */
export async function waitEvent(namespace: string, objectName: string, reason: string, message: RegExp, timeoutMs = 60_000): Promise<KEvent> {
  return eventually(`${reason} event on ${namespace}/${objectName} matching ${message}`, async () => {
    const all = await events(namespace, reason);
    return all.find((e) => e.involvedObject.name === objectName && message.test(e.message));
  }, { timeoutMs });
}
