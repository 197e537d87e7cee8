// The policies the fuzz runs under, one HTTPS server each: the built-in default, and variants that
// switch on every planner (preferred placement, JKS and PEM wiring, CA pinning, merge wiring, opt-out).
import { builtinPolicy } from '../../src/policy/load.js';
import type { Policy } from '../../src/policy/types.js';
import { policyWith } from '../support/policy.js';

export function fuzzPolicies(): Policy[] {
  return [
    builtinPolicy(),
    policyWith(
      {
        placement: { mode: 'preferred', topologyKey: 'topology.kubernetes.io/zone', weight: 50 },
        trustBundle: { format: 'jks', password: { secretName: 'nifi-truststore', key: 'password' } },
        caPinning: { enabled: true },
      },
      'pinned-preferred',
    ),
    policyWith(
      {
        namespaces: ['nifi*', 'default'],
        trustBundle: {
          wiring: 'merge',
          merge: { after: 'cert-request', volume: 'config-data', store: 'certs/truststore.jks', passwordFile: 'certs/config.json', passwordKey: 'trustStorePassword' },
        },
        caPinning: { enabled: true, containers: ['ca'] },
      },
      'merge',
    ),
    policyWith({ allowOptOut: true, trustBundle: { format: 'pem', containers: ['server', 'nifi'] }, caPinning: { enabled: true, containers: ['server', 'ghost'] } }, 'opt-out-pem'),
  ];
}
