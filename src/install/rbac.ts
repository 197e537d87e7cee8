// The webhook's identity and what the webhook may do, nothing more (docs/security.md, "Least RBAC"):
// - read the cluster-scoped NiFiTrustPolicy objects it watches, and write their status (the leader);
// - record Events about them: for a cluster-scoped object the API server takes Events in namespace
//   default only, so a Role there grants create/patch of Events and nothing else;
// - get and patch its own MutatingWebhookConfiguration: its caBundles (self-managed TLS) and its entries,
//   which follow the policies (--watch-policies);
// - in its namespace, create Leases (a create cannot be limited by name) and get/update only its own: the
//   one election of the replica that writes (status, entries, and the self-managed TLS below);
// - self-managed TLS: in its namespace create Secrets and get/update only its own. No list or watch of
//   Secrets: it reads its one Secret by name.
import { API_GROUP } from '../policy/types.js';
import { EVENTS_NAMESPACE, EVENTS_ROLE, LEASE, labels, NAME, TLS_SECRET } from './names.js';
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
      { apiGroups: [API_GROUP], resources: ['nifitrustpolicies/status'], verbs: ['get', 'update'] },
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

/** In namespace default: Events about the cluster-scoped NiFiTrustPolicy objects, nothing else. */
export function eventsRole(): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: EVENTS_ROLE, namespace: EVENTS_NAMESPACE, labels: labels() },
    rules: [{ apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] }],
  };
}

export function eventsRoleBinding(namespace: string): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: EVENTS_ROLE, namespace: EVENTS_NAMESPACE, labels: labels() },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: EVENTS_ROLE },
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

