// The cluster of `make cluster-up` (hack/e2e/cluster-up.sh): its nodes, and pods that really run there.
// Everything is read through the API server and the kubelets (kubectl get/logs/exec), never from files
// on this machine.
import { getJson, kubectl, kubectlOk } from '../../support/kubectl.js';
import type { Pod } from '../../support/cluster.js';
import { eventually } from '../../support/wait.js';

export const WEBHOOK_NS = 'nifi-ca-guard';
export const WEBHOOK_SELECTOR = 'app.kubernetes.io/name=nifi-ca-guard';

export interface RunningPod extends Pod {
  status?: NonNullable<Pod['status']> & {
    podIP?: string;
    containerStatuses?: Array<{ name: string; ready: boolean; restartCount: number; image: string; state?: Record<string, unknown> }>;
    initContainerStatuses?: Array<{ name: string; ready: boolean; state?: { terminated?: { exitCode: number } } }>;
  };
}

/** The node names cluster-up.sh made (E2E_NODES). */
export function realNodes(): string[] {
  const v = process.env.E2E_NODES;
  if (!v) throw new Error('E2E_NODES is not set: run through `make e2e` or source .e2e/cluster/env');
  return v.split(/\s+/).filter(Boolean);
}

function isReady(p: RunningPod): boolean {
  return p.status?.phase === 'Running' && (p.status.containerStatuses ?? []).every((c) => c.ready);
}

/** Waits until `count` pods of the selector are Running with every container ready; returns them. */
export async function waitRunning(namespace: string, selector: string, count: number, timeoutMs = 180_000): Promise<RunningPod[]> {
  return eventually(`${count} running pod(s) ${selector} in ${namespace}`, async () => {
    const list = await getJson<{ items: RunningPod[] }>(['-n', namespace, 'pods', '-l', selector]);
    const live = list.items.filter((p) => !p.metadata.deletionTimestamp);
    if (live.length !== count || !live.every(isReady)) {
      const seen = live.map((p) => `${p.metadata.name}:${p.status?.phase}`).join(', ');
      throw new Error(`seen ${live.length}: ${seen}`);
    }
    return live;
  }, { timeoutMs, intervalMs: 1000 });
}

/** `kubectl logs` of one container (the kubelet serves them). */
export async function logs(namespace: string, pod: string, container: string): Promise<string> {
  return kubectlOk(['-n', namespace, 'logs', pod, '-c', container], { timeoutMs: 30_000 });
}

/** `kubectl exec` in a running container; never throws for a non-zero exit. */
export async function exec(namespace: string, pod: string, container: string, argv: readonly string[]): Promise<{ code: number; out: string }> {
  const r = await kubectl(['-n', namespace, 'exec', pod, '-c', container, '--', ...argv], { timeoutMs: 60_000 });
  return { code: r.code, out: `${r.stdout}${r.stderr}` };
}

/** Deletes one pod (as a node loss would end it) and waits for the controller's replacement to run. */
export async function replacePod(namespace: string, name: string, selector: string, count: number): Promise<RunningPod[]> {
  const before = await getJson<RunningPod>(['-n', namespace, 'pod', name]);
  await kubectlOk(['-n', namespace, 'delete', 'pod', name, '--wait=true', '--timeout=120s'], { timeoutMs: 130_000 });
  return eventually(`a replacement for ${namespace}/${name}`, async () => {
    const pods = await waitRunning(namespace, selector, count, 10_000);
    if (pods.some((p) => p.metadata.uid === before.metadata.uid)) throw new Error('the old pod is still there');
    return pods;
  }, { timeoutMs: 180_000, intervalMs: 1000 });
}
