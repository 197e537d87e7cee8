// File modes of the Secret volumes the webhook injects (issue 10: they had none, so the API server's
// default 0644 applied). The kubelet writes Secret files owned by root; its group is the pod's fsGroup
// when there is one, else root. Our readers never run as root (the init containers run as the toolkit's
// uid, 1000, or the image's, 65532), so a file only its owner may read (0400) would be unreadable to
// them: they read through the group, which fsGroup adds to every container of the pod.
import { readPath, type Json } from './pod.js';

/** Owner and group may read, nobody else; readable by our init containers through the pod's fsGroup. */
export const GROUP_READ = 0o440;
/**
 * The trust bundle's mode in a pod without fsGroup. The bundle holds CA certificates, which are public:
 * read-only for everyone hides nothing worth hiding, and the alternative, adding fsGroup to NiFi pods,
 * would make the kubelet re-own every volume of the pod (NiFi's repositories) at each start.
 */
export const PUBLIC_READ = 0o444;

/** The pod's fsGroup, when it sets a usable one. */
export function podFsGroup(spec: Json): number | undefined {
  const v = readPath(spec, 'securityContext', 'fsGroup');
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

/** The trust bundle Secret's mode: group-read where fsGroup gives our reader the group, else public read. */
export function bundleMode(spec: Json): number {
  return podFsGroup(spec) === undefined ? PUBLIC_READ : GROUP_READ;
}
