// policy + options -> the whole install, as plain Kubernetes objects: what manifests/base installs,
// in the webhook's namespace, with the webhook's image, and objectSelectors that cover the policy's
// selectors. Pure: no I/O; `nifi-ca-guard manifests` prints it, the tests compare it with manifests/.
import { DEFAULT_IMAGE } from '../policy/defaults.js';
import { isDnsLabel } from '../policy/fields.js';
import { imageProblem } from '../policy/image.js';
import { nifiTrustPolicyCrd } from './crd.js';
import { DEFAULT_NAMESPACE } from './names.js';
import { pinImages, policyConfigMap, type PolicySource } from './policy-configmap.js';
import { clusterRole, clusterRoleBinding, eventsRole, eventsRoleBinding, role, roleBinding, serviceAccount } from './rbac.js';
import type { KubeObject } from './types.js';
import { mutatingWebhookConfiguration } from './webhook-configuration.js';
import { deployment, networkPolicy, podDisruptionBudget, service } from './workload.js';

export type { PolicySource } from './policy-configmap.js';
export { imageProblem } from '../policy/image.js';

export interface InstallOptions {
  /** The webhook's namespace: every namespaced object, the Service the API server calls, the RBAC subject. */
  namespace: string;
  /** The webhook's image, also pinned into the policy's init containers. */
  image: string;
}

export const DEFAULT_INSTALL: Readonly<InstallOptions> = Object.freeze({ namespace: DEFAULT_NAMESPACE, image: DEFAULT_IMAGE });

export interface Install {
  /** In the order `kubectl apply -f` needs: the CRD and the Namespace before what lives in them. */
  objects: KubeObject[];
  /** One line each, for the user (e.g. an image the policy named that was replaced). */
  notes: string[];
}

/** An option the install cannot be made with. */
export class InstallError extends Error {
  constructor(
    readonly option: keyof InstallOptions,
    readonly problem: string,
  ) {
    super(`${option}: ${problem}`);
    this.name = 'InstallError';
  }
}

export function namespaceProblem(namespace: string): string | undefined {
  return isDnsLabel(namespace) ? undefined : `must be a namespace name (DNS label), got ${JSON.stringify(namespace)}`;
}

export function renderInstall(source: PolicySource, options: InstallOptions): Install {
  const { namespace, image } = options;
  const nsProblem = namespaceProblem(namespace);
  if (nsProblem) throw new InstallError('namespace', nsProblem);
  const imgProblem = imageProblem(image);
  if (imgProblem) throw new InstallError('image', imgProblem);

  const pinned = pinImages(source, image);
  const { spec } = pinned.policy;
  const notes = pinned.replaced.length
    ? [`policy ${pinned.policy.name}: init-container image pinned to the webhook's image ${image} (was ${pinned.replaced.map((r) => `${r.path}: ${r.was}`).join(', ')})`]
    : [];
  return {
    objects: [
      nifiTrustPolicyCrd(),
      namespaceObject(namespace),
      policyConfigMap(namespace, pinned.text),
      serviceAccount(namespace),
      clusterRole(),
      clusterRoleBinding(namespace),
      role(namespace),
      roleBinding(namespace),
      eventsRole(),
      eventsRoleBinding(namespace),
      deployment(namespace, image),
      service(namespace),
      podDisruptionBudget(namespace),
      networkPolicy(namespace),
      mutatingWebhookConfiguration([...spec.nifi.selectors, ...spec.ca.selectors], namespace),
    ],
    notes,
  };
}

function namespaceObject(namespace: string): KubeObject {
  // Set automatically from Kubernetes 1.21 on; spelled out so the namespaceSelector excludes it on any version.
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'kubernetes.io/metadata.name': namespace } } };
}
