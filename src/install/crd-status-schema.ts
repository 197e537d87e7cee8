// The NiFiTrustPolicy status schema (the shape agreed in the issue-11 design): what the webhook's
// leader writes through the status subresource. Conditions follow metav1.Condition, so generic tools
// (kubectl wait --for=condition=Ready, GitOps health checks) read them.
import type { CrdSchema } from './crd-schema.js';

const generation = (description: string): CrdSchema => ({ type: 'integer', format: 'int64', minimum: 0, description });

function condition(): CrdSchema {
  return {
    type: 'object',
    description:
      'One aspect of the policy (metav1.Condition). Ready: the policy governs its pods as written. TrustSecretsFound: ' +
      'the trust Secret exists in every namespace the policy governs, where the webhook can know it.',
    required: ['type', 'status', 'reason', 'message', 'lastTransitionTime'],
    properties: {
      type: { type: 'string', description: 'Ready or TrustSecretsFound.', maxLength: 316, pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$' },
      status: { type: 'string', description: 'True, False or Unknown.', enum: ['True', 'False', 'Unknown'] },
      reason: {
        type: 'string',
        description:
          'Why, in one CamelCase word. Ready: InForce, Invalid (the spec breaks a rule; an older valid generation may stay ' +
          'in force) or Conflict (another policy claims the same namespaces). TrustSecretsFound: Found, TrustSecretMissing or NotKnown.',
        minLength: 1,
        maxLength: 1024,
        pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
      },
      message: {
        type: 'string',
        description:
          'The details: for Invalid the problems with their field paths, for Conflict the other policies, for ' +
          'TrustSecretMissing the namespaces without the Secret.',
        maxLength: 32768,
      },
      observedGeneration: generation('The metadata.generation this condition was computed from.'),
      lastTransitionTime: { type: 'string', format: 'date-time', description: 'When the condition last changed status.' },
    },
  };
}

export function policyStatusSchema(): CrdSchema {
  return {
    type: 'object',
    description: "What the webhook made of this policy, written by one of its replicas (the leader). Read-only: it is written through the status subresource.",
    properties: {
      observedGeneration: generation('The metadata.generation the webhook last judged.'),
      inForceGeneration: generation(
        'The generation whose spec is in force. Absent: no version of this policy was ever valid. Lower than ' +
          'observedGeneration: the latest edit was refused and this older version still governs the pods.',
      ),
      conditions: {
        type: 'array',
        description: 'The latest observations of the policy: Ready, and TrustSecretsFound where it is knowable.',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
        items: condition(),
      },
    },
  };
}
