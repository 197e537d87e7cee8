// Advice for pinning the CA of the nifi-ca workload's toolkit server: the fields the policy can fill
// in now (workDir, runAsUser), and the steps it cannot take for the user. caPinning stays off in the
// suggestion: enabled before its private Secret exists, the nifi-ca pod would wait in ContainerCreating for that Secret.
import { isJson, readPath, type Json } from '../mutation/pod.js';
import { claimAt, isToolkitServer, runAsUserOf, volumeAt } from '../mutation/recognise.js';
import { DEFAULT_SPEC } from '../policy/defaults.js';
import { usesConfigJson } from '../mutation/ca-pinning.js';
import { containersOf } from './find.js';
import type { Commented, Workload } from './types.js';

export interface CaPinningSuggestion {
  /** spec.caPinning: enabled false, plus what differs from the defaults. */
  caPinning: Json;
  /** Comments with paths relative to spec.caPinning. */
  comments: Commented[];
}

/** A chart's values key for the CA's persistence, when the chart is recognisable (cetic/helm-nifi's `ca` subchart). */
function persistenceValue(w: Workload): string | undefined {
  const labels = isJson(readPath(w.owner, 'metadata', 'labels')) ? (readPath(w.owner, 'metadata', 'labels') as Json) : {};
  return /^ca-\d/.test(String(labels.chart ?? '')) && /-ca$/.test(w.labels.app ?? '') ? 'ca.persistence.enabled=false' : undefined;
}

export function suggestCaPinning(cas: readonly Workload[], namespace: string | undefined): CaPinningSuggestion {
  const w = cas[0]!;
  const spec = isJson(readPath(w.pod, 'spec')) ? (readPath(w.pod, 'spec') as Json) : {};
  const c = containersOf(w.pod).find(isToolkitServer)!;
  const name = String(c.name);
  const d = DEFAULT_SPEC.caPinning;
  const caPinning: Json = { enabled: false };
  const wd = typeof c.workingDir === 'string' && c.workingDir.startsWith('/') ? c.workingDir.replace(/\/+$/, '') || '/' : undefined;
  const ns = namespace ?? 'NAMESPACE';
  const comments: Commented[] = [];
  comments.push({
    path: ['enabled'],
    lines: [
      "Pinning restores nifi-ca's CA key and config.json from a Secret at every start, so a rescheduled nifi-ca keeps its CA. Off for now: enabled before that Secret exists, the nifi-ca pod would wait in ContainerCreating for it. To turn it on:",
      `1. write the Secrets, keeping the CA your nodes trust now (docs/ca-pinning.md shows how to copy the toolkit's working directory${wd ? ` ${wd}` : ''} out of the pod):`,
      `     nifi-ca-guard ca adopt -n ${ns} --from <that copy> --dir pinned`,
      '   or from a new CA, with the token NiFi enrols with:',
      `     nifi-ca-guard ca init -n ${ns} --dir pinned --token-file <token file>`,
      '2. kubectl apply -f pinned/ (the trust bundle Secret first, then the private one)',
      '3. set enabled: true',
    ],
  });

  const claim = wd === undefined ? undefined : claimAt(w.pod, c, wd);
  if (claim) {
    const value = persistenceValue(w);
    comments.push({
      path: [],
      lines: [
        `WARNING: ${w.ref} keeps its working directory ${wd} (the CA key) on PVC ${claim.claim}: the key survives only while that volume can follow the pod (not to another zone, not on a local volume), and pinning skips a working directory that is already a volume.`,
        value
          ? `Set ${value} in the chart's values: the chart then sets no workingDir, and pinning restores the key into an emptyDir at workDir (default ${d.workDir}).`
          : `Take the claim off the toolkit's working directory (no volume there, or no workingDir): pinning then restores the key into an emptyDir at workDir (default ${d.workDir}).`,
      ],
    });
  } else if (wd !== undefined) {
    caPinning.workDir = wd;
    const at = volumeAt(c, wd);
    comments.push({
      path: ['workDir'],
      lines: [
        `Container ${name}'s workingDir: the toolkit reads config.json and its keystore from there.`,
        ...(at ? [`WARNING: ${wd} is volume ${at.volume} in container ${name}: pinning mounts an emptyDir there and skips a path already taken; remove that mount.`] : []),
      ],
    });
  } else {
    comments.push({ path: [], lines: [`Container ${name} sets no workingDir: pinning sets it to workDir (default ${d.workDir}) and restores the key there.`] });
  }

  const uid = runAsUserOf(spec, c);
  if (uid !== undefined && uid > 0) {
    caPinning.runAsUser = uid;
    const own = typeof readPath(c, 'securityContext', 'runAsUser') === 'number';
    comments.push({ path: ['runAsUser'], lines: [`From the ${own ? `container's` : `pod's`} securityContext: the restored files must be the toolkit's.`] });
  } else if (uid === 0) {
    comments.push({ path: ['enabled'], lines: [`Container ${name} runs as root: the restore runs as runAsUser (${d.runAsUser}); root can still read what it writes.`] });
  }

  // The same check as the webhook's (variables the toolkit's line expands count, as in cetic's script).
  if (!usesConfigJson(c)) {
    comments.push({ path: ['enabled'], lines: [`WARNING: container ${name} starts tls-toolkit.sh server without --useConfigJson: the toolkit would refuse a restored keystore, so the webhook skips pinning it. Add --configJson config.json --useConfigJson to its command.`] });
  }
  if (cas.length > 1) {
    comments.push({ path: [], lines: [`Advice for ${w.ref}; the other nifi-ca workloads (${cas.slice(1).map((x) => x.ref).join(', ')}) share these settings: check they fit.`] });
  }
  return { caPinning, comments };
}
