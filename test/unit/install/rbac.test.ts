// The webhook's RBAC is what self-managed TLS and the policy watch need, and nothing more: evaluated
// here as the API server's RBAC authorizer does (group, resource, verb, and resourceNames when set).
import { expect } from 'chai';
import { clusterRole, eventsRole, role } from '../../../src/install/rbac.js';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

function allows(rules: Rule[], group: string, resource: string, verb: string, name?: string): boolean {
  return rules.some(
    (r) =>
      r.apiGroups.includes(group) &&
      r.resources.includes(resource) &&
      r.verbs.includes(verb) &&
      (r.resourceNames === undefined || (name !== undefined && r.resourceNames.includes(name))),
  );
}

const NS = 'nifi-system';
const cases: Array<[scope: 'Role' | 'ClusterRole' | 'Role in default', group: string, resource: string, verb: string, name: string | undefined, allowed: boolean]> = [
  ['Role', '', 'secrets', 'create', undefined, true], // a create cannot be limited by name
  ['Role', '', 'secrets', 'get', 'nifi-ca-guard-tls', true],
  ['Role', '', 'secrets', 'update', 'nifi-ca-guard-tls', true],
  ['Role', '', 'secrets', 'get', 'nifi-ca-trust', false],
  ['Role', '', 'secrets', 'update', 'other', false],
  ['Role', '', 'secrets', 'list', undefined, false],
  ['Role', '', 'secrets', 'watch', undefined, false],
  ['Role', '', 'secrets', 'delete', 'nifi-ca-guard-tls', false],
  ['Role', '', 'secrets', 'patch', 'nifi-ca-guard-tls', false],
  ['Role', 'coordination.k8s.io', 'leases', 'create', undefined, true],
  ['Role', 'coordination.k8s.io', 'leases', 'get', 'nifi-ca-guard', true],
  ['Role', 'coordination.k8s.io', 'leases', 'update', 'nifi-ca-guard', true],
  ['Role', 'coordination.k8s.io', 'leases', 'update', 'kube-scheduler', false],
  ['Role', 'coordination.k8s.io', 'leases', 'delete', 'nifi-ca-guard', false],
  ['Role', 'coordination.k8s.io', 'leases', 'list', undefined, false],
  ['ClusterRole', 'admissionregistration.k8s.io', 'mutatingwebhookconfigurations', 'get', 'nifi-ca-guard', true],
  ['ClusterRole', 'admissionregistration.k8s.io', 'mutatingwebhookconfigurations', 'patch', 'nifi-ca-guard', true],
  ['ClusterRole', 'admissionregistration.k8s.io', 'mutatingwebhookconfigurations', 'patch', 'another-webhook', false],
  ['ClusterRole', 'admissionregistration.k8s.io', 'mutatingwebhookconfigurations', 'update', 'nifi-ca-guard', false],
  ['ClusterRole', 'admissionregistration.k8s.io', 'mutatingwebhookconfigurations', 'list', undefined, false],
  ['ClusterRole', 'admissionregistration.k8s.io', 'validatingwebhookconfigurations', 'patch', 'nifi-ca-guard', false],
  ['ClusterRole', 'nifi-ca-guard.io', 'nifitrustpolicies', 'watch', undefined, true],
  ['ClusterRole', 'nifi-ca-guard.io', 'nifitrustpolicies', 'update', 'p', false],
  ['ClusterRole', '', 'secrets', 'get', 'nifi-ca-guard-tls', false], // never cluster-wide
  ['ClusterRole', 'nifi-ca-guard.io', 'nifitrustpolicies/status', 'get', 'p', true],
  ['ClusterRole', 'nifi-ca-guard.io', 'nifitrustpolicies/status', 'update', 'p', true],
  ['ClusterRole', 'nifi-ca-guard.io', 'nifitrustpolicies/status', 'patch', 'p', false],
  ['ClusterRole', 'nifi-ca-guard.io', 'nifitrustpolicies', 'patch', 'p', false], // the spec stays the user's
  ['ClusterRole', '', 'events', 'create', undefined, false], // Events in namespace default only
  ['Role', '', 'events', 'create', undefined, false],
  ['Role in default', '', 'events', 'create', undefined, true],
  ['Role in default', '', 'events', 'patch', 'p.17a', true],
  ['Role in default', '', 'events', 'delete', 'p.17a', false],
  ['Role in default', '', 'events', 'list', undefined, false],
  ['Role in default', '', 'secrets', 'get', 'nifi-ca-trust', false],
];

describe('install: RBAC grants exactly what the webhook needs', () => {
  for (const [scope, group, resource, verb, name, allowed] of cases) {
    it(`${scope}: ${verb} ${group || 'core'}/${resource}${name ? `/${name}` : ''} -> ${allowed ? 'allowed' : 'denied'}`, () => {
      const rules = (scope === 'Role' ? role(NS) : scope === 'Role in default' ? eventsRole() : clusterRole()).rules as Rule[];
      expect(allows(rules, group, resource, verb, name)).to.equal(allowed);
    });
  }

  it('the Role lives in the webhook namespace; the Events Role in default, where Events of cluster-scoped objects go', () => {
    expect(role(NS).metadata.namespace).to.equal(NS);
    expect(eventsRole().metadata.namespace).to.equal('default');
  });
});
