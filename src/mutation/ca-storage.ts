// Where a nifi-ca pod keeps its CA key. A PersistentVolumeClaim at the toolkit's working directory
// keeps the key only while that volume can follow the pod to another node (not across zones, not on
// local volumes); pinning the CA in a Secret does not depend on the volume.
import { isJson, type Json } from './pod.js';
import { volumeAt } from './recognise.js';
import type { StepOutcome } from './step.js';
import { toolkitContainers } from './targets.js';

/** A `ca-key=pvc` outcome with a warning per toolkit container whose working directory is on a claim; else undefined. */
export function checkCaStorage(pod: Json): StepOutcome | undefined {
  const spec = pod.spec;
  if (!isJson(spec) || !Array.isArray(spec.containers)) return undefined;
  const volumes = Array.isArray(spec.volumes) ? spec.volumes.filter(isJson) : [];
  const warnings: string[] = [];
  for (const c of toolkitContainers(spec.containers.filter(isJson), pod).targets) {
    if (typeof c.workingDir !== 'string' || !c.workingDir.startsWith('/')) continue;
    const at = volumeAt(c, c.workingDir.replace(/\/+$/, '') || '/');
    if (!at) continue;
    const volume = volumes.find((v) => v.name === at.volume);
    // A volume the pod spec does not list comes from a StatefulSet's volumeClaimTemplates.
    const claim = volume ? (isJson(volume.persistentVolumeClaim) ? String(volume.persistentVolumeClaim.claimName) : undefined) : at.volume;
    if (claim === undefined) continue;
    warnings.push(`container ${String(c.name)} keeps its CA key on PVC ${claim} (${c.workingDir}): pin it (docs/ca-pinning.md)`);
  }
  return warnings.length > 0 ? { feature: 'ca-key', state: 'present', detail: 'pvc', warnings } : undefined;
}
