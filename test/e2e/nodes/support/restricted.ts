// Pod Security "restricted" (the Pod Security Standards, Kubernetes docs), checked on a stored pod.
// Kubernetes 1.20 has no Pod Security admission (1.23+) to enforce the profile, so the suite checks the
// admitted pod, injected containers included, against the profile's rules itself.
import type { RunningPod } from './nodes.js';

interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type?: string };
}
interface SpecView {
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: SecurityContext;
  volumes?: Array<Record<string, unknown> & { name: string }>;
  containers: Array<{ name: string; securityContext?: SecurityContext; ports?: Array<{ hostPort?: number }> }>;
  initContainers?: Array<{ name: string; securityContext?: SecurityContext; ports?: Array<{ hostPort?: number }> }>;
}

const VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

/** Every violation of the restricted profile, as `container: rule` lines; empty when the pod meets it. */
export function restrictedViolations(pod: RunningPod): string[] {
  const spec = pod.spec as unknown as SpecView;
  const out: string[] = [];
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) out.push('pod: host namespaces');
  for (const v of spec.volumes ?? []) {
    const type = Object.keys(v).find((k) => k !== 'name');
    if (!type || !VOLUME_TYPES.has(type)) out.push(`volume ${v.name}: type ${type}`);
  }
  const pod0 = spec.securityContext ?? {};
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    const sc = c.securityContext ?? {};
    if (sc.privileged) out.push(`${c.name}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${c.name}: allowPrivilegeEscalation is not false`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`${c.name}: capabilities.drop lacks ALL`);
    if ((sc.capabilities?.add ?? []).some((a) => a !== 'NET_BIND_SERVICE')) out.push(`${c.name}: adds capabilities`);
    if ((sc.runAsNonRoot ?? pod0.runAsNonRoot) !== true) out.push(`${c.name}: runAsNonRoot is not true`);
    if ((sc.runAsUser ?? pod0.runAsUser) === 0) out.push(`${c.name}: runAsUser 0`);
    const seccomp = sc.seccompProfile?.type ?? pod0.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push(`${c.name}: seccompProfile ${seccomp ?? 'unset'}`);
    if ((c.ports ?? []).some((p) => p.hostPort)) out.push(`${c.name}: hostPort`);
  }
  return out;
}
