// The NiFiTrustPolicy CustomResourceDefinition, in code: the image ships only dist/, so `manifests`
// cannot read manifests/crd/. manifests/crd/nifitrustpolicies.yaml and the chart's copy hold the same
// object (hack/write-crd.sh writes them from this; tests compare), so they cannot drift.
import { API_GROUP, POLICY_KIND } from '../policy/types.js';
import { policySpecSchema } from './crd-schema.js';
import { policyStatusSchema } from './crd-status-schema.js';
import { labels } from './names.js';
import type { KubeObject } from './types.js';

const PLURAL = 'nifitrustpolicies';

/** A fresh copy of the CRD on every call. */
export function nifiTrustPolicyCrd(): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${PLURAL}.${API_GROUP}`, labels: labels() },
    spec: {
      group: API_GROUP,
      scope: 'Cluster',
      names: { kind: POLICY_KIND, listKind: `${POLICY_KIND}List`, plural: PLURAL, singular: 'nifitrustpolicy', shortNames: ['ntp'] },
      versions: [
        {
          name: 'v1alpha1',
          served: true,
          storage: true,
          // READY and REASON first: what an admin looks for. The spec columns are never blank for a
          // defaulted field, since the schema fills in the defaults.
          additionalPrinterColumns: [
            { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
            { name: 'Reason', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].reason' },
            { name: 'Namespaces', type: 'string', jsonPath: '.spec.namespaces' },
            { name: 'Placement', type: 'string', jsonPath: '.spec.placement.mode' },
            { name: 'Format', type: 'string', jsonPath: '.spec.trustBundle.format' },
            { name: 'Enforcement', type: 'string', jsonPath: '.spec.enforcement' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          // Spec edits bump metadata.generation; status is written through /status only.
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description:
                'A NiFiTrustPolicy: how nifi-ca-guard protects one NiFi cluster (anti-affinity from nifi-ca, the trust ' +
                'bundle, CA pinning) in the namespaces it names. Cluster-scoped; one per NiFi cluster.',
              properties: {
                apiVersion: { type: 'string', description: 'nifi-ca-guard.io/v1alpha1.' },
                kind: { type: 'string', description: 'NiFiTrustPolicy.' },
                metadata: { type: 'object' },
                spec: policySpecSchema(),
                status: policyStatusSchema(),
              },
            },
          },
        },
      ],
    },
  };
}
