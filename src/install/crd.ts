// The NiFiTrustPolicy CustomResourceDefinition, in code: the image ships only dist/, so `manifests`
// cannot read manifests/crd/. manifests/crd/nifitrustpolicies.yaml holds the same object (a test
// parses it and compares), so the two cannot drift.
import { API_GROUP, POLICY_KIND } from '../policy/types.js';
import { labels } from './names.js';
import type { KubeObject } from './types.js';

const PLURAL = 'nifitrustpolicies';

const selectors = () => ({
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    properties: {
      matchLabels: { type: 'object', additionalProperties: { type: 'string' } },
      matchExpressions: {
        type: 'array',
        items: {
          type: 'object',
          required: ['key', 'operator'],
          properties: {
            key: { type: 'string' },
            operator: { type: 'string', enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
            values: { type: 'array', items: { type: 'string' } },
          },
        },
      },
    },
  },
});

const initContainer = () => ({
  type: 'object',
  properties: {
    image: { type: 'string', minLength: 1 },
    imagePullPolicy: { type: 'string', enum: ['Always', 'IfNotPresent', 'Never'] },
    resources: {
      type: 'object',
      properties: {
        requests: { type: 'object', additionalProperties: { type: 'string' } },
        limits: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
  },
});

const containers = () => ({ type: 'array', items: { type: 'string', maxLength: 63 } });

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
          // The webhook's leader writes status through /status; spec edits bump metadata.generation.
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Namespaces', type: 'string', jsonPath: '.spec.namespaces' },
            { name: 'Placement', type: 'string', jsonPath: '.spec.placement.mode' },
            { name: 'Format', type: 'string', jsonPath: '.spec.trustBundle.format' },
            { name: 'Enforcement', type: 'string', jsonPath: '.spec.enforcement' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: {
                  type: 'object',
                  properties: {
                    namespaces: {
                      type: 'array',
                      description: 'Namespace names or globs (* and ?) this policy governs; empty means every namespace.',
                      items: { type: 'string', maxLength: 63, pattern: '^[a-z0-9*?]([-a-z0-9*?]*[a-z0-9*?])?$' },
                    },
                    nifi: { type: 'object', properties: { selectors: selectors() } },
                    ca: { type: 'object', properties: { selectors: selectors() } },
                    placement: {
                      type: 'object',
                      properties: {
                        mode: { type: 'string', enum: ['required', 'preferred', 'off'] },
                        topologyKey: { type: 'string', minLength: 1 },
                        weight: { type: 'integer', minimum: 1, maximum: 100 },
                      },
                    },
                    trustBundle: {
                      type: 'object',
                      properties: {
                        enabled: { type: 'boolean' },
                        wiring: { type: 'string', enum: ['env', 'merge'] },
                        secretName: { type: 'string', minLength: 1, maxLength: 253 },
                        key: { type: 'string', pattern: '^[-._a-zA-Z0-9]+$' },
                        format: { type: 'string', enum: ['pkcs12', 'jks', 'pem'] },
                        mountPath: { type: 'string', pattern: '^/.+' },
                        containers: containers(),
                        password: {
                          type: 'object',
                          properties: {
                            secretName: { type: 'string', maxLength: 253 },
                            key: { type: 'string' },
                            value: { type: 'string' },
                          },
                        },
                        merge: {
                          type: 'object',
                          description: "With wiring merge, where the pod's enrolment leaves the store the bundle is merged into.",
                          properties: {
                            after: { type: 'string', maxLength: 63 },
                            volume: { type: 'string', maxLength: 63 },
                            store: { type: 'string', maxLength: 1024 },
                            storeType: { type: 'string', enum: ['jks', 'pkcs12'] },
                            passwordFile: { type: 'string', maxLength: 1024 },
                            passwordKey: { type: 'string', maxLength: 253 },
                            runAsUser: { type: 'integer', minimum: 1, maximum: 2147483647 },
                          },
                        },
                        initContainer: initContainer(),
                      },
                    },
                    caPinning: {
                      type: 'object',
                      properties: {
                        enabled: { type: 'boolean' },
                        secretName: { type: 'string', minLength: 1, maxLength: 253 },
                        workDir: { type: 'string', pattern: '^/.+' },
                        containers: containers(),
                        runAsUser: { type: 'integer', minimum: 1, maximum: 2147483647 },
                        initContainer: initContainer(),
                      },
                    },
                    enforcement: { type: 'string', enum: ['enforce', 'audit'] },
                    allowOptOut: { type: 'boolean' },
                  },
                },
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
        },
      ],
    },
  };
}
