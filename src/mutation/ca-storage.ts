// Where a nifi-ca pod keeps its CA key. A PersistentVolumeClaim at the toolkit's working directory
// keeps the key only while that volume can follow the pod to another node (not across zones, not on
// local volumes); pinning the CA in a Secret does not depend on the volume.
import { isJson, type Json } from './pod.js';
import { claimAt } from './recognise.js';
import type { StepOutcome } from './step.js';
import { toolkitContainers } from './targets.js';

/** A `ca-key=pvc` outcome with a warning per toolkit container whose working directory is on a claim; else undefined. */
export function checkCaStorage(pod: Json): StepOutcome | undefined {
  const spec = pod.spec;
  if (!isJson(spec) || !Array.isArray(spec.containers)) return undefined;
  const warnings: string[] = [];
  for (const c of toolkitContainers(spec.containers.filter(isJson), pod).targets) {
    if (typeof c.workingDir !== 'string' || !c.workingDir.startsWith('/')) continue;
    const at = claimAt(pod, c, c.workingDir);
    if (at) warnings.push(`container ${String(c.name)} keeps its CA key on PVC ${at.claim} (${c.workingDir}): pin it (docs/ca-pinning.md)`);
  }
  return warnings.length > 0 ? { feature: 'ca-key', state: 'present', detail: 'pvc', warnings } : undefined;
}
