// The webhook server: Deployment, Service, PodDisruptionBudget and NetworkPolicy, in its namespace.
import { ALLOWED_INIT_IMAGES_ENV, HTTPS_PORT, INIT_IMAGE_ENV, LEASE, labels, LABELS, NAME, POLICY_CONFIGMAP, POLICY_DIR, POLICY_KEY, TLS_SECRET } from './names.js';
import type { KubeObject } from './types.js';

/** Selects the webhook's own pods (Service, PDB, NetworkPolicy, anti-affinity). */
const podSelector = () => ({ matchLabels: { ...LABELS } });

export function deployment(namespace: string, image: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: NAME, namespace, labels: labels() },
    spec: {
      replicas: 2,
      selector: podSelector(),
      template: {
        metadata: { labels: labels() },
        spec: {
          serviceAccountName: NAME,
          securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
          // Two replicas on two nodes where possible: one node loss leaves the webhook up.
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: podSelector() } },
              ],
            },
          },
          containers: [
            {
              name: 'webhook',
              image,
              imagePullPolicy: 'IfNotPresent',
              // Self-managed TLS: the webhook keeps its CA and certificate in the Secret and the caBundles
              // of its webhook configuration current; no certificate to create, no volume to mount.
              args: [
                'serve',
                `--port=${HTTPS_PORT}`,
                '--tls-mode=self-managed',
                `--tls-secret=${TLS_SECRET}`,
                `--webhook-configuration=${NAME}`,
                `--service=${NAME}`,
                `--lease=${LEASE}`,
                `--policy=${POLICY_DIR}/${POLICY_KEY}`,
                '--watch-policies',
              ],
              // The downward API: the Lease holder's name, and the namespace of Secret, Lease and Service.
              env: [
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                // The injected init containers run this same image: kustomize's `images:` and the chart
                // set both fields together (manifests/base/kustomizeconfig.yaml).
                { name: INIT_IMAGE_ENV, value: image },
                // The images a policy may name for its init containers (they run beside the CA key). Empty:
                // every tag and digest of the image above; e.g. registry.example.com/nifi-ca-guard@sha256:*.
                { name: ALLOWED_INIT_IMAGES_ENV, value: '' },
              ],
              ports: [{ name: 'https', containerPort: HTTPS_PORT }],
              readinessProbe: { httpGet: { path: '/readyz', port: 'https', scheme: 'HTTPS' }, periodSeconds: 5 },
              livenessProbe: { httpGet: { path: '/healthz', port: 'https', scheme: 'HTTPS' }, periodSeconds: 10 },
              resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '384Mi' } }, // make bench-abuse: charts/ values.yaml
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'policy', mountPath: POLICY_DIR, readOnly: true }],
            },
          ],
          volumes: [{ name: 'policy', configMap: { name: POLICY_CONFIGMAP } }],
        },
      },
    },
  };
}

export function service(namespace: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: NAME, namespace, labels: labels() },
    spec: { selector: { ...LABELS }, ports: [{ name: 'https', port: 443, targetPort: 'https' }] },
  };
}

/** failurePolicy is Fail for NiFi pods: one replica stays up through voluntary disruptions (node drains). */
export function podDisruptionBudget(namespace: string): KubeObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: NAME, namespace, labels: labels() },
    spec: { minAvailable: 1, selector: podSelector() },
  };
}

/**
 * Only the HTTPS port is reachable. The API server's source address differs from cluster to cluster,
 * so the port, not the peer, is narrowed. Egress stays open: the webhook talks to the API server
 * (NiFiTrustPolicy objects, its TLS Secret, Lease and caBundles).
 */
export function networkPolicy(namespace: string): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: NAME, namespace, labels: labels() },
    spec: { podSelector: podSelector(), policyTypes: ['Ingress'], ingress: [{ ports: [{ port: HTTPS_PORT, protocol: 'TCP' }] }] },
  };
}
