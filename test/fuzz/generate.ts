// Generated AdmissionReviews: plausible NiFi, nifi-ca and other pods (as charts render them), with names
// colliding with the webhook's own, then broken on purpose: wrong types in the fields the webhook reads,
// prototype-named and JSON-pointer-hostile keys, pods the webhook already half mutated.
import { mutatePod } from '../../src/mutation/mutate.js';
import type { Json } from '../../src/json.js';
import type { Policy } from '../../src/policy/types.js';
import type { Rng } from './prng.js';
import {
  HOSTILE_KEYS,
  LABEL_SETS,
  NAMESPACES,
  NIFI_IMAGES,
  OUR_ANNOTATIONS,
  OUR_ENV,
  OUR_INITS,
  OUR_VOLUMES,
  SCRIPTS,
  TOOLKIT_IMAGES,
  put,
  wrongValues,
} from './values.js';

/** What the webhook must answer: a review (200), or a 4xx for an envelope that is not one. */
export type Expect = 'review' | 'rejected';

export interface Generated {
  review: Json;
  expect: Expect;
  /** A Pod CREATE the webhook plans for (the others must come back without a patch). */
  podCreate: boolean;
  /** Which of the fuzz's policies (servers) gets it. */
  policy: number;
  /** What was done to it, for the failure report. */
  story: string[];
}

type Role = keyof typeof LABEL_SETS;

const sh = (script: string): Json => ({ command: ['bash', '-ce', script] });

function env(rng: Rng): Json[] {
  const out: Json[] = [];
  if (rng.chance(0.4)) out.push({ name: 'AUTH', value: rng.pick(['tls', 'ldap', 'oidc', 'none']) });
  if (rng.chance(0.2)) out.push({ name: 'AUTH', valueFrom: { secretKeyRef: { name: 'auth', key: 'mode' } } });
  if (rng.chance(0.3)) out.push({ name: 'NIFI_WEB_HTTPS_PORT', value: '9443' });
  // Collisions with the env wiring: a user's own TRUSTSTORE_*, or exactly ours from an earlier pass.
  if (rng.chance(0.15)) out.push({ name: rng.pick(OUR_ENV), value: rng.pick(['/opt/nifi/trust/truststore.p12', 'PKCS12', 'changeit', '/elsewhere']) });
  return out;
}

function mounts(rng: Rng): Json[] {
  const out: Json[] = [];
  if (rng.chance(0.5)) out.push({ name: 'config-data', mountPath: rng.pick(['/opt/nifi/data', '/data/config-data', '/opt/nifi/nifi-current/config-data']) });
  if (rng.chance(0.15)) out.push({ name: rng.pick([...OUR_VOLUMES, 'data']), mountPath: rng.pick(['/opt/nifi/trust', '/opt/nifi/trust/', '/var/lib/nifi-ca', '/x']) });
  if (rng.chance(0.1)) out.push({ name: 'ca-data', mountPath: '/var/lib/nifi-ca' });
  return out;
}

function nifiContainer(rng: Rng, name: string): Json {
  const c: Json = { name, image: rng.pick(NIFI_IMAGES), ports: [{ containerPort: 8443, name: 'https' }] };
  const how = rng.pick(['image', 'nifi.sh', 'start.sh', 'cetic', 'self-enrol']);
  if (how === 'nifi.sh') Object.assign(c, sh(SCRIPTS.nifiRun));
  if (how === 'start.sh') c.command = [SCRIPTS.startScript];
  if (how === 'cetic') Object.assign(c, sh(SCRIPTS.ceticServer));
  if (how === 'self-enrol') Object.assign(c, sh(SCRIPTS.selfEnrol));
  const e = env(rng);
  if (e.length > 0 || rng.chance(0.2)) c.env = e;
  const m = mounts(rng);
  if (m.length > 0 || rng.chance(0.2)) c.volumeMounts = m;
  if (rng.chance(0.1)) c.envFrom = [{ configMapRef: { name: 'nifi-env' } }];
  if (rng.chance(0.2)) c.securityContext = { runAsUser: rng.pick([0, 1000, 1001]) };
  return c;
}

function toolkitServer(rng: Rng, name: string): Json {
  const c: Json = { name, image: rng.pick(TOOLKIT_IMAGES) };
  const how = rng.pick(['bare', 'server', 'blind', 'options', 'args']);
  if (how === 'server') Object.assign(c, sh(SCRIPTS.caServer));
  if (how === 'blind') Object.assign(c, sh(SCRIPTS.caServerBlind));
  if (how === 'options') Object.assign(c, sh(SCRIPTS.caOptions));
  if (how === 'args') c.args = ['server', '-c', 'nifi-ca', '-t', 'token', '-F'];
  const wd = rng.pick([undefined, '', '/var/lib/nifi-ca', '/var/lib/nifi-ca/', '/opt/nifi-toolkit']);
  if (wd !== undefined) c.workingDir = wd;
  const m = mounts(rng);
  if (m.length > 0) c.volumeMounts = m;
  if (rng.chance(0.3)) c.securityContext = { runAsUser: rng.pick([0, 1000, 4242]) };
  return c;
}

function sidecar(rng: Rng, name: string): Json {
  return { name, image: 'busybox:1.36', ...sh(SCRIPTS.tail), ...(rng.chance(0.3) ? { volumeMounts: [{ name: 'logs', mountPath: '/var/log' }] } : {}) };
}

function initContainers(rng: Rng): Json[] | undefined {
  const out: Json[] = [];
  if (rng.chance(0.4)) {
    const c: Json = { name: 'cert-request', image: rng.pick(TOOLKIT_IMAGES), ...sh(SCRIPTS.certRequest) };
    if (rng.chance(0.85)) c.volumeMounts = [{ name: 'config-data', mountPath: '/data/config-data' }];
    if (rng.chance(0.3)) c.securityContext = { runAsUser: rng.pick([0, 1000]) };
    out.push(c);
  }
  if (rng.chance(0.2)) out.push({ name: 'wait-for-zk', image: 'busybox:1.36', command: ['sh', '-c', 'until nc -z zk 2181; do sleep 1; done'] });
  // A user's init container wearing one of our names: the webhook must skip, never replace it.
  if (rng.chance(0.1)) out.push({ name: rng.pick(OUR_INITS), image: 'someone/else:1', command: ['true'] });
  return out.length > 0 || rng.chance(0.3) ? out : undefined;
}

function volumes(rng: Rng): Json[] | undefined {
  const out: Json[] = [];
  if (rng.chance(0.5)) out.push({ name: 'config-data', ...(rng.chance(0.5) ? { emptyDir: {} } : { persistentVolumeClaim: { claimName: 'config-data' } }) });
  if (rng.chance(0.2)) out.push({ name: 'ca-data', persistentVolumeClaim: { claimName: 'nifi-ca' } });
  if (rng.chance(0.2)) out.push({ name: 'logs', emptyDir: {} });
  if (rng.chance(0.12)) out.push({ name: rng.pick(OUR_VOLUMES), emptyDir: { medium: 'Memory' } });
  return out.length > 0 || rng.chance(0.3) ? out : undefined;
}

function term(rng: Rng): Json {
  const t: Json = {
    labelSelector: rng.pick([{ matchLabels: { app: 'nifi' } }, { matchLabels: { app: 'nifi-ca' } }, { matchLabels: { 'app.kubernetes.io/name': 'nifi-ca' } }, { matchLabels: { x: 'y' } }]),
    topologyKey: rng.pick(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']),
  };
  if (rng.chance(0.3)) t.namespaces = rng.pick([[], ['nifi'], ['default', 'nifi']]);
  return t;
}

function affinity(rng: Rng): Json | null | undefined {
  const kind = rng.pick(['none', 'none', 'null', 'node', 'anti', 'anti-empty']);
  if (kind === 'none') return undefined;
  if (kind === 'null') return null;
  if (kind === 'node') return { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['nifi'] }] }] } } };
  if (kind === 'anti-empty') return { podAntiAffinity: {} };
  const anti: Json = {};
  if (rng.chance(0.6)) anti.requiredDuringSchedulingIgnoredDuringExecution = Array.from({ length: rng.int(0, 2) }, () => term(rng));
  if (rng.chance(0.6)) anti.preferredDuringSchedulingIgnoredDuringExecution = Array.from({ length: rng.int(0, 2) }, () => ({ weight: rng.int(1, 100), podAffinityTerm: term(rng) }));
  return { podAntiAffinity: anti, ...(rng.chance(0.3) ? { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } } : {}) };
}

function pod(rng: Rng, role: Role, namespace: string): Json {
  const labels: Json = { ...rng.pick(LABEL_SETS[role]) };
  if (rng.chance(0.2)) put(labels, rng.pick(HOSTILE_KEYS), rng.pick(['nifi', 'nifi-ca', 'x', '']));
  const metadata: Json = { labels };
  if (rng.chance(0.7)) metadata.name = `${role}-${rng.int(0, 9)}`;
  else metadata.generateName = `${role}-`;
  if (rng.chance(0.3)) metadata.namespace = namespace;
  if (rng.chance(0.5)) {
    const annotations: Json = {};
    if (rng.chance(0.3)) annotations['nifi-ca-guard.io/skip'] = rng.pick(['true', 'false', 'yes']);
    if (rng.chance(0.2)) annotations['kubectl.kubernetes.io/default-container'] = rng.pick(['nifi', 'server', 'ca', 'ghost']);
    if (rng.chance(0.2)) annotations[rng.pick(OUR_ANNOTATIONS)] = rng.pick(['stale', 'nifi', '']);
    if (rng.chance(0.3)) put(annotations, rng.pick(HOSTILE_KEYS), 'v');
    metadata.annotations = annotations;
  } else if (rng.chance(0.1)) metadata.annotations = null;
  if (rng.chance(0.2)) metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'nifi', uid: 'u', controller: true }];

  const containers: Json[] = [];
  if (role === 'nifi' || role === 'both') containers.push(nifiContainer(rng, rng.pick(['server', 'nifi'])));
  if (role === 'ca' || role === 'both') containers.push(toolkitServer(rng, rng.pick(['ca', 'server'])));
  if (role === 'none') containers.push(rng.chance(0.5) ? nifiContainer(rng, 'nifi') : sidecar(rng, 'web'));
  if (rng.chance(0.3)) containers.push(sidecar(rng, rng.pick(['app-log', 'bootstrap-log', 'user-log'])));
  if (rng.chance(0.1)) containers.unshift(sidecar(rng, 'proxy'));
  if (rng.chance(0.1)) containers.push(nifiContainer(rng, 'nifi-2'));

  const spec: Json = { containers };
  const inits = initContainers(rng);
  if (inits !== undefined) spec.initContainers = inits;
  const vols = volumes(rng);
  if (vols !== undefined) spec.volumes = vols;
  const aff = affinity(rng);
  if (aff !== undefined) spec.affinity = aff;
  if (rng.chance(0.3)) spec.securityContext = rng.pick([{ runAsUser: 0 }, { runAsUser: 1000, fsGroup: 1000 }, {}]);
  if (rng.chance(0.3)) spec.serviceAccountName = 'nifi';
  if (rng.chance(0.2)) spec.hostname = 'nifi-0';
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}

/** Every path in a JSON tree (arrays of keys), the root excepted. */
function paths(v: unknown, at: string[] = [], out: string[][] = []): string[][] {
  if (Array.isArray(v)) v.forEach((x, i) => (out.push([...at, String(i)]), paths(x, [...at, String(i)], out)));
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push([...at, k]);
      paths(x, [...at, k], out);
    }
  }
  return out;
}

function parentOf(root: Json, path: string[]): Json | unknown[] | undefined {
  let cur: unknown = root;
  for (const k of path.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Json)[k];
  }
  return cur !== null && typeof cur === 'object' ? (cur as Json | unknown[]) : undefined;
}

/** Fields the webhook reads: a wrong type here is most likely to hurt, so most breakage lands here. */
const READ = new Set([
  'metadata', 'labels', 'annotations', 'spec', 'containers', 'initContainers', 'volumes', 'affinity', 'podAntiAffinity',
  'requiredDuringSchedulingIgnoredDuringExecution', 'preferredDuringSchedulingIgnoredDuringExecution', 'podAffinityTerm',
  'labelSelector', 'topologyKey', 'namespaces', 'namespaceSelector', 'weight', 'name', 'image', 'command', 'args', 'env',
  'envFrom', 'value', 'valueFrom', 'volumeMounts', 'mountPath', 'workingDir', 'securityContext', 'runAsUser',
  'persistentVolumeClaim', 'claimName', 'nifi-ca-guard.io/skip', 'kubectl.kubernetes.io/default-container', 'app', 'app.kubernetes.io/name',
]);

/** The fields every planner reads first: each gets a wrong type (set even where absent) now and then. */
const TARGETS: string[][] = [
  ['metadata'], ['metadata', 'labels'], ['metadata', 'annotations'], ['metadata', 'annotations', 'nifi-ca-guard.io/skip'],
  ['metadata', 'annotations', 'kubectl.kubernetes.io/default-container'], ['spec'], ['spec', 'containers'], ['spec', 'containers', '0'],
  ['spec', 'initContainers'], ['spec', 'initContainers', '0'], ['spec', 'volumes'], ['spec', 'volumes', '0'], ['spec', 'affinity'],
  ['spec', 'affinity', 'podAntiAffinity'], ['spec', 'affinity', 'podAntiAffinity', 'requiredDuringSchedulingIgnoredDuringExecution'],
  ['spec', 'affinity', 'podAntiAffinity', 'preferredDuringSchedulingIgnoredDuringExecution'], ['spec', 'securityContext'],
  ['spec', 'securityContext', 'runAsUser'], ['spec', 'containers', '0', 'env'], ['spec', 'containers', '0', 'volumeMounts'],
  ['spec', 'containers', '0', 'workingDir'], ['spec', 'containers', '0', 'name'], ['spec', 'containers', '0', 'image'],
  ['spec', 'containers', '0', 'command'], ['spec', 'containers', '0', 'args'], ['spec', 'containers', '0', 'securityContext'],
  ['spec', 'initContainers', '0', 'volumeMounts'], ['spec', 'initContainers', '0', 'name'],
];

/** Sets `value` at `path` where its parent exists (a list index only inside the list). */
function setAt(root: Json, path: string[], value: unknown): boolean {
  const parent = parentOf(root, path);
  const key = path[path.length - 1]!;
  if (!parent) return false;
  if (Array.isArray(parent)) {
    if (!/^\d+$/.test(key) || Number(key) >= parent.length) return false;
    parent[Number(key)] = value;
  } else put(parent, key, value);
  return true;
}

/** null for a share of every field: what a client that sends every unset field as null would do. */
function nullEverywhere(rng: Rng, root: Json): string[] {
  const picked = paths(root).filter(() => rng.chance(0.15));
  // Deepest first, so setting a parent to null does not hide a child already chosen.
  picked.sort((a, b) => b.length - a.length);
  for (const p of picked) setAt(root, p, null);
  return [`null at ${picked.length} paths`];
}

/** Breaks the pod in place: wrong types, deleted fields, hostile keys. Returns what it did. */
function corrupt(rng: Rng, root: Json, times: number): string[] {
  const story: string[] = [];
  const wrong = wrongValues();
  for (let n = 0; n < times; n++) {
    if (rng.chance(0.3)) {
      const target = rng.pick(TARGETS);
      const value = structuredClone(rng.pick(wrong));
      if (setAt(root, target, value)) story.push(`${target.join('.')} = ${JSON.stringify(value)}`);
      continue;
    }
    const all = paths(root);
    const read = all.filter((p) => READ.has(p[p.length - 1]!) || /^\d+$/.test(p[p.length - 1]!));
    const path = rng.chance(0.85) && read.length > 0 ? rng.pick(read) : rng.pick(all);
    if (!path) continue;
    const parent = parentOf(root, path);
    if (!parent) continue;
    const key = path[path.length - 1]!;
    const action = rng.pick(['wrong', 'wrong', 'wrong', 'delete', 'hostile']);
    if (action === 'wrong') {
      const value = structuredClone(rng.pick(wrong));
      if (Array.isArray(parent)) parent[Number(key)] = value;
      else put(parent, key, value);
      story.push(`${path.join('.')} = ${JSON.stringify(value)}`);
    } else if (action === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      story.push(`delete ${path.join('.')}`);
    } else {
      const target = Array.isArray(parent) ? parent[Number(key)] : parent[key];
      const obj = target !== null && typeof target === 'object' && !Array.isArray(target) ? (target as Json) : Array.isArray(parent) ? undefined : parent;
      if (!obj) continue;
      const hk = rng.pick(HOSTILE_KEYS);
      put(obj, hk, structuredClone(rng.pick(wrong)));
      story.push(`hostile key ${JSON.stringify(hk)} near ${path.join('.')}`);
    }
  }
  return story;
}

/** Drops some of what the webhook added, as if another controller or a user had removed it. */
function halfMutated(rng: Rng, mutated: Json): string[] {
  const story: string[] = ['pre-mutated'];
  const spec = mutated.spec as Json;
  for (const key of ['volumes', 'initContainers'] as const) {
    const list = spec[key];
    if (!Array.isArray(list)) continue;
    for (let i = list.length - 1; i >= 0; i--) {
      const item = list[i] as Json;
      if (typeof item?.name === 'string' && item.name.startsWith('nifi-ca-guard-') && rng.chance(0.4)) {
        list.splice(i, 1);
        story.push(`dropped ${key} ${item.name}`);
      }
    }
  }
  if (Array.isArray(spec.containers)) {
    for (const c of spec.containers as Json[]) {
      for (const key of ['env', 'volumeMounts'] as const) {
        const list = c[key];
        if (!Array.isArray(list)) continue;
        const i = list.findIndex((x: Json) => typeof x?.name === 'string' && (/^TRUSTSTORE_/.test(x.name) || x.name.startsWith('nifi-ca-guard-')));
        if (i >= 0 && rng.chance(0.4)) {
          story.push(`dropped ${String(c.name)}.${key}[${i}]`);
          list.splice(i, 1);
        }
      }
    }
  }
  const anti = (spec.affinity as Json | undefined)?.podAntiAffinity as Json | undefined;
  const required = anti?.requiredDuringSchedulingIgnoredDuringExecution;
  if (Array.isArray(required) && required.length > 0 && rng.chance(0.3)) {
    required.pop();
    story.push('dropped an anti-affinity term');
  }
  return story;
}

/** An envelope a client might send that is not an AdmissionReview the webhook can take: 4xx. */
function breakEnvelope(rng: Rng, review: Json): string {
  const request = review.request as Json;
  const how = rng.pick(['uid-number', 'uid-empty', 'uid-missing', 'operation', 'object-array', 'object-string', 'kind-string', 'namespace-number', 'apiVersion', 'request-null', 'kind-missing']);
  if (how === 'uid-number') request.uid = 42;
  if (how === 'uid-empty') request.uid = '';
  if (how === 'uid-missing') delete request.uid;
  if (how === 'operation') request.operation = rng.pick(['PATCH', 'create', 7, null]);
  if (how === 'object-array') request.object = [request.object];
  if (how === 'object-string') request.object = 'pod';
  if (how === 'kind-string') request.kind = 'Pod';
  if (how === 'namespace-number') request.namespace = 5;
  if (how === 'apiVersion') review.apiVersion = rng.pick(['admission.k8s.io/v2', 'v1', null]);
  if (how === 'request-null') review.request = null;
  if (how === 'kind-missing') delete request.kind;
  return `envelope: ${how}`;
}

/** Review `index` of a run: everything drawn from `rng`, so (seed, index) replays it. */
export function generateReview(rng: Rng, index: number, policies: readonly Policy[]): Generated {
  const policy = rng.int(0, policies.length - 1);
  const role = rng.pick<Role>(['nifi', 'nifi', 'nifi', 'ca', 'ca', 'none', 'both']);
  const namespace = rng.pick(NAMESPACES);
  let object = pod(rng, role, namespace);
  const story: string[] = [`policy ${policies[policy]!.name}`, `role ${role}`, `namespace ${namespace}`];
  if (rng.chance(0.15)) {
    const first = mutatePod(structuredClone(object), namespace, policies[policy]!);
    if (first.patch.length > 0) {
      object = structuredClone(first.pod);
      story.push(...halfMutated(rng, object));
    }
  }
  const times = rng.chance(0.4) ? 0 : rng.int(1, 3);
  story.push(...corrupt(rng, object, times));
  if (rng.chance(0.05)) story.push(...nullEverywhere(rng, object));

  const review: Json = {
    apiVersion: rng.chance(0.9) ? 'admission.k8s.io/v1' : 'admission.k8s.io/v1beta1',
    kind: 'AdmissionReview',
    request: {
      uid: `fuzz-${index}-${rng.int(0, 1e9)}`,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      requestKind: { group: '', version: 'v1', kind: 'Pod' },
      namespace: rng.chance(0.95) ? namespace : '',
      operation: 'CREATE',
      userInfo: { username: 'system:serviceaccount:kube-system:statefulset-controller' },
      object,
      oldObject: null,
      dryRun: rng.chance(0.1),
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  };
  if (rng.chance(0.1)) delete (review.request as Json).name;
  else (review.request as Json).name = typeof (object.metadata as Json | undefined)?.name === 'string' ? (object.metadata as Json).name : '';

  let podCreate = true;
  const request = review.request as Json;
  const u = rng.next();
  if (u < 0.06) {
    // Not a Pod CREATE: allowed untouched, whatever the object holds.
    podCreate = false;
    const how = rng.pick(['UPDATE', 'DELETE', 'CONNECT', 'configmap', 'subresource']);
    if (how === 'configmap') request.kind = { group: '', version: 'v1', kind: 'ConfigMap' };
    else if (how === 'subresource') request.subResource = rng.pick(['ephemeralcontainers', 'status', 'binding']);
    else {
      request.operation = how;
      request.oldObject = structuredClone(object);
      if (how !== 'UPDATE' && rng.chance(0.5)) request.object = null;
    }
    story.push(`not a pod create: ${how}`);
  } else if (u < 0.09) {
    story.push(breakEnvelope(rng, review));
    return { review, expect: 'rejected', podCreate: false, policy, story };
  }
  return { review, expect: 'review', podCreate, policy, story };
}
