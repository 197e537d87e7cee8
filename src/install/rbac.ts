// The webhook's identity: a ServiceAccount with read-only access to the cluster-scoped NiFiTrustPolicy
// objects it watches. Nothing else: the serving certificate is mounted, admission requests arrive over HTTPS.
import { API_GROUP } from '../policy/types.js';
import { labels, NAME } from './names.js';
import type { KubeObject } from './types.js';

export function serviceAccount(namespace: string): KubeObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: NAME, namespace, labels: labels() } };
}

export function clusterRole(): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: NAME, labels: labels() },
    rules: [{ apiGroups: [API_GROUP], resources: ['nifitrustpolicies'], verbs: ['get', 'list', 'watch'] }],
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

