// The names every installed object shares. The namespace is the one thing the user chooses.
import { POLICY_CONFIG_KEY } from '../policy/types.js';
import { SERVICE_NAME, SERVICE_NAMESPACE } from '../tls/names.js';

/** The Deployment, Service, ServiceAccount, RBAC objects, PDB, NetworkPolicy and webhook configuration. */
export const NAME = SERVICE_NAME;
export const DEFAULT_NAMESPACE = SERVICE_NAMESPACE;

/** On every object; the Deployment's pods carry it too, and the Service, PDB and NetworkPolicy select by it. */
export const LABELS: Readonly<Record<string, string>> = Object.freeze({ 'app.kubernetes.io/name': NAME });

export const POLICY_CONFIGMAP = `${NAME}-policy`;
export const POLICY_KEY = POLICY_CONFIG_KEY;
/** Self-managed TLS: the Secret with CA, serving pair and rotation state; the Lease electing its one writer. */
export const TLS_SECRET = `${NAME}-tls`;
export const LEASE = NAME;
/** Events about cluster-scoped objects live in namespace default (the API server takes them nowhere else). */
export const EVENTS_NAMESPACE = 'default';
export const EVENTS_ROLE = `${NAME}-events`;

/** serve's variable for the injected init containers' image (ENV.initImage in src/config.ts). */
export const INIT_IMAGE_ENV = 'NIFI_CA_GUARD_INIT_IMAGE';
/** serve's variable for the init images a policy may name (ENV.allowedInitImages); empty: the init image's repository. */
export const ALLOWED_INIT_IMAGES_ENV = 'NIFI_CA_GUARD_ALLOWED_INIT_IMAGES';

export const HTTPS_PORT = 8443;
export const POLICY_DIR = '/etc/nifi-ca-guard/policy';

/** A fresh copy, so no two objects share (and no caller can change) one labels map. */
export function labels(): Record<string, string> {
  return { ...LABELS };
}
