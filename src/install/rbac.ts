// The webhook's identity and what it may do, nothing more:
// - read the cluster-scoped NiFiTrustPolicy objects it watches;
// - get and patch its own MutatingWebhookConfiguration: its caBundles (self-managed TLS) and its entries,
//   which follow the policies (--watch-policies); and, for self-managed TLS, in its
//   namespace create Secrets and Leases (a create cannot be limited by name) and get/update only its
//   own Secret and Lease. No list or watch of Secrets: it reads its one Secret by name.
import { API_GROUP } from '../policy/types.js';
import { LEASE, labels, NAME, TLS_SECRET } from './names.js';
import type { KubeObject } from './types.js';

export function serviceAccount(namespace: string): KubeObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: NAME, namespace, labels: labels() } };
}

export function clusterRole(): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: NAME, labels: labels() },
    rules: [
      { apiGroups: [API_GROUP], resources: ['nifitrustpolicies'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], resourceNames: [NAME], verbs: ['get', 'patch'] },
    ],
  };
}

export function role(namespace: string): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: NAME, namespace, labels: labels() },
    rules: [
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: [TLS_SECRET], verbs: ['get', 'update'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [LEASE], verbs: ['get', 'update'] },
    ],
  };
}

export function roleBinding(namespace: string): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: NAME, namespace, labels: labels() },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: NAME },
    subjects: [{ kind: 'ServiceAccount', name: NAME, namespace }],
  };
}

export function clusterRoleBinding(namespace: string): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: NAME, labels: labels() },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: NAME },
    subjects: [{ kind: 'ServiceAccount', name: NAME, namespace }],
  };
}

