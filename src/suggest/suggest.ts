// `policy suggest`: rendered release objects -> a NiFiTrustPolicy that protects exactly its NiFi and
// nifi-ca workloads, with a comment saying why for each choice. Pure: no I/O, nothing printed.
import { canonical, type Json } from '../mutation/pod.js';
import { API_VERSION, POLICY_KIND } from '../policy/types.js';
import { suggestCaPinning } from './ca.js';
import { findRoles } from './find.js';
import { policyName, policyNamespaces } from './meta.js';
import { placementComment } from './placement.js';
import { chooseSelectors, type ChosenSelector } from './selectors.js';
import { under, type Commented, type Suggestion, type Workload } from './types.js';
import { suggestWiring } from './wiring.js';

export interface SuggestOptions {
  /** How the input was named on the command line (a path, or - for stdin): quoted in the header. */
  source: string;
  namespace?: string;
  name?: string;
}

export function suggestPolicy(objects: readonly Json[], opts: SuggestOptions): Suggestion {
  const found = findRoles(objects);
  const selectors = chooseSelectors(found);
  const name = policyName(found.nifi, opts.name);
  const namespaces = policyNamespaces(objects, opts.namespace);
  const wirings = found.nifi.map(suggestWiring);
  const wiring = wirings[0]!;
  const pinning = suggestCaPinning(found.ca, namespaces.value?.length === 1 ? namespaces.value[0] : undefined);

  const spec: Json = {};
  if (namespaces.value) spec.namespaces = namespaces.value;
  spec.nifi = { selectors: selectors.nifi.map((s) => s.selector) };
  spec.ca = { selectors: selectors.ca.map((s) => s.selector) };
  spec.placement = { mode: 'required' };
  spec.trustBundle = wiring.trustBundle;
  spec.caPinning = pinning.caPinning;
  const doc: Json = { apiVersion: API_VERSION, kind: POLICY_KIND, metadata: { name: name.value }, spec };

  const comments: Commented[] = [
    { path: ['metadata', 'name'], lines: [name.why] },
    { path: namespaces.value ? ['spec', 'namespaces'] : ['spec'], lines: [namespaces.why] },
    { path: ['spec', 'nifi'], lines: ['NiFi pods: they get the trust bundle and anti-affinity against nifi-ca. Checked: no selector here matches a nifi-ca pod template.'] },
    ...selectorComments(['spec', 'nifi'], selectors.nifi),
    { path: ['spec', 'ca'], lines: ['nifi-ca pods: they get anti-affinity against NiFi. Checked: no selector here matches a NiFi pod template.'] },
    ...selectorComments(['spec', 'ca'], selectors.ca),
    { path: ['spec', 'placement'], lines: placementComment(found.nifi) },
    ...under(['spec', 'trustBundle'], wiring.comments),
    ...under(['spec', 'caPinning'], pinning.comments),
  ];
  const differing = found.nifi.filter((_, i) => canonical(wirings[i]!.trustBundle) !== canonical(wiring.trustBundle));
  if (differing.length > 0) {
    comments.push({
      path: ['spec', 'trustBundle'],
      lines: [`WARNING: this wiring fits ${found.nifi[0]!.ref}; ${refs(differing)} would need another (a policy has one): suggest a policy for each from its own manifests.`],
    });
  }

  const input = opts.source;
  const notes = [
    'NiFiTrustPolicy suggested by `nifi-ca-guard policy suggest`; every comment says why. Input:',
    `  ${input}`,
    `NiFi: ${found.nifi.map(describe).join(', ')}`,
    `nifi-ca: ${found.ca.map(describe).join(', ')}`,
    ...(found.other.length > 0 ? [`Neither (checked: no selector below matches them): ${refs(found.other.filter((w) => !selectors.overlaps.some((o) => o.includes(`${w.ref} `))))}`] : []),
    ...selectors.overlaps,
    'Check it before applying:',
    `  nifi-ca-guard preview -f ${input}${namespaces.value?.length === 1 ? ` -n ${namespaces.value[0]}` : ''} --policy <this file>`,
  ].filter((line) => !line.endsWith(': '));
  return { doc, comments, notes };
}

function selectorComments(prefix: readonly string[], chosen: readonly ChosenSelector[]): Commented[] {
  return chosen.map((c, i) => ({ path: [...prefix, 'selectors', i], lines: c.why }));
}

function describe(w: Workload): string {
  return w.replicas === undefined ? w.ref : `${w.ref} (${w.replicas} replica${w.replicas === 1 ? '' : 's'})`;
}

function refs(list: readonly Workload[]): string {
  return list.map((w) => w.ref).join(', ');
}
