import { isDeepStrictEqual } from 'node:util';
import { isJson } from '../json.js';
import { INIT_CA_SECRET_DIR } from './reserved.js';
import { DEFAULT_POLICY_NAME, DEFAULT_SPEC, deepFreeze } from './defaults.js';
import {
  isDnsLabel,
  isDnsSubdomain,
  isQuantity,
  isSecretKey,
  labelKeyProblem,
  optBool,
  optEnum,
  optObject,
  optString,
  optStringArray,
  quantityValue,
  unknownKeys,
  type Issues,
} from './fields.js';
import { imageAllowed, imageProblem } from './image.js';
import { parseSelectors } from './selectors.js';
import {
  API_VERSION,
  POLICY_KIND,
  type InitContainerSpec,
  type PasswordSource,
  type Policy,
  type CaPinningSpec,
  type PolicySpec,
  type ResourceRequirements,
  type MergeSpec,
  type TrustBundleSpec,
} from './types.js';

export type ValidationResult = { ok: true; policy: Policy } | { ok: false; issues: string[] };

/** What the running webhook supplies for fields a policy leaves out, beyond the built-in defaults. */
export interface PolicyDefaults {
  /**
   * The image of the injected init containers when a policy names none: `serve --init-image`, set to the
   * webhook's own image by the install, so both change together (a kustomize `images:` edit, a Helm value).
   */
  readonly initImage?: string;
  /**
   * `serve --allowed-init-images`: the images a policy may name for the injected init containers (they run
   * in NiFi and nifi-ca pods beside the CA key). undefined: no restriction (offline tools, tests).
   */
  readonly allowedInitImages?: readonly string[];
}

/** Resource names a container may request without a domain (extended resources carry one). */
const STANDARD_RESOURCE = /^(cpu|memory|ephemeral-storage|hugepages-[0-9A-Za-z]+)$/;
const NAMESPACE_GLOB = /^[a-z0-9*?]([-a-z0-9*?]*[a-z0-9*?])?$/;

/**
 * Checks a NiFiTrustPolicy document and fills defaults. Every problem is reported with its field
 * path; a policy with any problem is refused whole, so the last good one stays in force.
 */
export function validatePolicy(doc: unknown, defaults: PolicyDefaults = {}): ValidationResult {
  const issues: Issues = [];
  if (!isJson(doc)) return { ok: false, issues: ['(document): must be an object'] };
  unknownKeys(doc, ['apiVersion', 'kind', 'metadata', 'spec', 'status'], '', issues);
  if (doc.apiVersion !== API_VERSION) issues.push(`apiVersion: must be ${API_VERSION}`);
  if (doc.kind !== POLICY_KIND) issues.push(`kind: must be ${POLICY_KIND}`);
  const metadata = optObject(doc, 'metadata', '', issues);
  const name = optString(metadata, 'name', 'metadata', issues, DEFAULT_POLICY_NAME);
  if (!isDnsSubdomain(name)) issues.push('metadata.name: must be a DNS subdomain (lowercase alphanumerics, "-" and ".")');
  const initDefaults = defaults.initImage === undefined ? DEFAULT_SPEC.trustBundle.initContainer : { ...DEFAULT_SPEC.trustBundle.initContainer, image: defaults.initImage };
  const spec = parseSpec(optObject(doc, 'spec', '', issues), 'spec', issues, { ...initDefaults, allowed: defaults.allowedInitImages });
  // Paths were built with a leading "." for top-level keys; drop it for readability.
  const clean = issues.map((i) => (i.startsWith('.') ? i.slice(1) : i));
  if (clean.length > 0) return { ok: false, issues: clean };
  return { ok: true, policy: deepFreeze({ name, spec }) };
}

/** An init container's defaults, and the allowlist its image must match when the policy names one. */
type InitDefaults = InitContainerSpec & { allowed: readonly string[] | undefined };

function parseSpec(s: Record<string, unknown>, path: string, issues: Issues, initDefaults: InitDefaults): PolicySpec {
  const d = DEFAULT_SPEC;
  unknownKeys(s, ['namespaces', 'nifi', 'ca', 'placement', 'trustBundle', 'caPinning', 'enforcement', 'allowOptOut'], path, issues);
  const namespaces = optStringArray(s, 'namespaces', path, issues, d.namespaces);
  namespaces.forEach((ns, i) => {
    if (ns.length > 63 || !NAMESPACE_GLOB.test(ns)) {
      issues.push(`${path}.namespaces[${i}]: must be a namespace name or a glob of one (with * and ?)`);
    }
  });
  const nifi = optObject(s, 'nifi', path, issues);
  unknownKeys(nifi, ['selectors'], `${path}.nifi`, issues);
  const ca = optObject(s, 'ca', path, issues);
  unknownKeys(ca, ['selectors'], `${path}.ca`, issues);
  const trustBundle = parseTrustBundle(optObject(s, 'trustBundle', path, issues), `${path}.trustBundle`, issues, initDefaults);
  return {
    namespaces,
    nifi: { selectors: parseSelectors(nifi.selectors, `${path}.nifi.selectors`, issues, d.nifi.selectors) },
    ca: { selectors: parseSelectors(ca.selectors, `${path}.ca.selectors`, issues, d.ca.selectors) },
    placement: parsePlacement(optObject(s, 'placement', path, issues), `${path}.placement`, issues),
    trustBundle,
    // The restore init container runs the same image: it follows trustBundle.initContainer unless set.
    caPinning: parseCaPinning(optObject(s, 'caPinning', path, issues), `${path}.caPinning`, issues, { ...trustBundle.initContainer, allowed: initDefaults.allowed }),
    enforcement: optEnum(s, 'enforcement', path, issues, ['enforce', 'audit'], d.enforcement),
    allowOptOut: optBool(s, 'allowOptOut', path, issues, d.allowOptOut),
  };
}

function parsePlacement(p: Record<string, unknown>, path: string, issues: Issues): PolicySpec['placement'] {
  const d = DEFAULT_SPEC.placement;
  unknownKeys(p, ['mode', 'topologyKey', 'weight'], path, issues);
  const topologyKey = optString(p, 'topologyKey', path, issues, d.topologyKey);
  const keyProblem = labelKeyProblem(topologyKey);
  if (keyProblem) issues.push(`${path}.topologyKey: must be a label key: ${keyProblem}`);
  let weight = d.weight;
  if (p.weight !== undefined) {
    if (typeof p.weight !== 'number' || !Number.isInteger(p.weight) || p.weight < 1 || p.weight > 100) {
      issues.push(`${path}.weight: must be an integer from 1 to 100`);
    } else weight = p.weight;
  }
  return { mode: optEnum(p, 'mode', path, issues, ['required', 'preferred', 'off'], d.mode), topologyKey, weight };
}

function parseTrustBundle(t: Record<string, unknown>, path: string, issues: Issues, initDefaults: InitDefaults): TrustBundleSpec {
  const d = DEFAULT_SPEC.trustBundle;
  unknownKeys(t, ['enabled', 'wiring', 'secretName', 'key', 'format', 'mountPath', 'containers', 'password', 'merge', 'initContainer'], path, issues);
  const secretName = secretNameField(t, path, issues, d.secretName);
  const key = optString(t, 'key', path, issues, d.key);
  if (!isSecretKey(key)) issues.push(`${path}.key: must be a Secret data key (alphanumerics, "-", "_", ".")`);
  const mountPath = directoryField(t, 'mountPath', path, issues, d.mountPath);
  const containers = containersField(t, path, issues, d.containers);
  const wiring = optEnum(t, 'wiring', path, issues, ['env', 'merge'], d.wiring);
  if (wiring === 'merge') {
    // These shape the env wiring only: set with merge they would silently do nothing. Their defaults
    // pass: the API server fills them in from the CRD's schema, so they are no sign of a mistake.
    for (const field of ['format', 'mountPath', 'containers'] as const) {
      if (t[field] !== undefined && !isDeepStrictEqual(t[field], d[field])) {
        issues.push(`${path}.${field}: applies to wiring env only (merge writes into the store enrolment left)`);
      }
    }
  }
  const merge = parseMerge(optObject(t, 'merge', path, issues), `${path}.merge`, issues, wiring === 'merge');
  if (wiring === 'env' && t.merge !== undefined) issues.push(`${path}.merge: applies to wiring merge only; set wiring: merge`);
  return {
    enabled: optBool(t, 'enabled', path, issues, d.enabled),
    wiring,
    secretName,
    key,
    format: optEnum(t, 'format', path, issues, ['pkcs12', 'jks', 'pem'], d.format),
    mountPath,
    containers,
    password: parsePassword(optObject(t, 'password', path, issues), `${path}.password`, issues),
    merge,
    initContainer: parseInitContainer(optObject(t, 'initContainer', path, issues), `${path}.initContainer`, issues, initDefaults),
  };
}

function parseMerge(m: Record<string, unknown>, path: string, issues: Issues, required: boolean): MergeSpec {
  const d = DEFAULT_SPEC.trustBundle.merge;
  unknownKeys(m, ['after', 'volume', 'store', 'storeType', 'passwordFile', 'passwordKey', 'runAsUser'], path, issues);
  const after = optString(m, 'after', path, issues, d.after);
  const volume = optString(m, 'volume', path, issues, d.volume);
  const store = optString(m, 'store', path, issues, d.store);
  const passwordFile = optString(m, 'passwordFile', path, issues, d.passwordFile);
  const passwordKey = optString(m, 'passwordKey', path, issues, d.passwordKey);
  if (required || after !== '') {
    if (!isDnsLabel(after)) issues.push(`${path}.after: must name the enrolment init container (DNS label)`);
  }
  if (required || volume !== '') {
    if (!isDnsLabel(volume)) issues.push(`${path}.volume: must name the pod volume holding the store (DNS label)`);
  }
  if (required || store !== '') {
    const problem = relativePathProblem(store);
    if (problem) issues.push(`${path}.store: ${problem}`);
  }
  if (passwordFile !== '') {
    const problem = relativePathProblem(passwordFile);
    if (problem) issues.push(`${path}.passwordFile: ${problem}`);
  }
  if (passwordKey !== '' && passwordFile === '') issues.push(`${path}.passwordKey: needs passwordFile (the JSON file holding that key)`);
  if (passwordKey.length > 253 || /[\s"]/.test(passwordKey)) issues.push(`${path}.passwordKey: must be a JSON key without spaces or quotes`);
  return {
    after,
    volume,
    store,
    storeType: optEnum(m, 'storeType', path, issues, ['jks', 'pkcs12'], d.storeType),
    passwordFile,
    passwordKey,
    runAsUser: uidField(m, path, issues, d.runAsUser),
  };
}

/** A file path inside a volume: relative, and never climbing out of it. */
function relativePathProblem(p: string): string | undefined {
  if (p === '') return 'must be a path relative to the volume, e.g. certs/truststore.jks';
  if (p.startsWith('/')) return 'must be relative to the volume (no leading "/")';
  const parts = p.split('/');
  if (parts.some((s) => s === '' || s === '.' || s === '..')) return 'must not contain empty, "." or ".." segments';
  if (p.length > 1024 || p.includes('\0')) return 'must be a plain path';
  return undefined;
}

function uidField(obj: Record<string, unknown>, path: string, issues: Issues, fallback: number): number {
  const v = obj.runAsUser;
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 2147483647) {
    issues.push(`${path}.runAsUser: must be a non-root uid (integer from 1)`);
    return fallback;
  }
  return v;
}

function parseCaPinning(c: Record<string, unknown>, path: string, issues: Issues, initDefaults: InitDefaults): CaPinningSpec {
  const d = DEFAULT_SPEC.caPinning;
  unknownKeys(c, ['enabled', 'secretName', 'workDir', 'containers', 'runAsUser', 'initContainer'], path, issues);
  const secretName = secretNameField(c, path, issues, d.secretName);
  const workDir = directoryField(c, 'workDir', path, issues, d.workDir);
  // The restore init container mounts both: one path twice makes the API server refuse the pod.
  if (workDir === INIT_CA_SECRET_DIR) issues.push(`${path}.workDir: must not be ${INIT_CA_SECRET_DIR}, where the restore init container mounts the Secret`);
  const containers = containersField(c, path, issues, d.containers);
  const runAsUser = uidField(c, path, issues, d.runAsUser);
  return {
    enabled: optBool(c, 'enabled', path, issues, d.enabled),
    secretName,
    workDir,
    containers,
    runAsUser,
    initContainer: parseInitContainer(optObject(c, 'initContainer', path, issues), `${path}.initContainer`, issues, initDefaults),
  };
}

function secretNameField(obj: Record<string, unknown>, path: string, issues: Issues, fallback: string): string {
  const name = optString(obj, 'secretName', path, issues, fallback);
  if (!isDnsSubdomain(name)) issues.push(`${path}.secretName: must be a Secret name (DNS subdomain)`);
  return name;
}

/** A directory to mount at, trailing slashes dropped so that planners compare paths exactly. */
function directoryField(obj: Record<string, unknown>, key: string, path: string, issues: Issues, fallback: string): string {
  const dir = optString(obj, key, path, issues, fallback);
  if (!dir.startsWith('/') || /^\/+$/.test(dir) || dir.includes(':') || dir.split('/').includes('..')) {
    issues.push(`${path}.${key}: must be an absolute path other than "/", without ":" or ".."`);
  }
  return dir.replace(/\/+$/, '');
}

function containersField(obj: Record<string, unknown>, path: string, issues: Issues, fallback: readonly string[]): string[] {
  const names = optStringArray(obj, 'containers', path, issues, fallback);
  names.forEach((name, i) => {
    if (!isDnsLabel(name)) issues.push(`${path}.containers[${i}]: must be a container name (DNS label)`);
  });
  return names;
}

function parsePassword(p: Record<string, unknown>, path: string, issues: Issues): PasswordSource {
  const d = DEFAULT_SPEC.trustBundle.password;
  unknownKeys(p, ['secretName', 'key', 'value'], path, issues);
  const secretName = optString(p, 'secretName', path, issues, d.secretName);
  if (secretName !== '' && !isDnsSubdomain(secretName)) issues.push(`${path}.secretName: must be a Secret name (DNS subdomain)`);
  const key = optString(p, 'key', path, issues, d.key);
  if (!isSecretKey(key)) issues.push(`${path}.key: must be a Secret data key (alphanumerics, "-", "_", ".")`);
  const value = optString(p, 'value', path, issues, d.value);
  if (secretName !== '' && p.value !== undefined) issues.push(`${path}.value: set either secretName or value, not both`);
  if (secretName === '' && value.length < 6) issues.push(`${path}.value: must be at least 6 characters (keytool's minimum)`);
  return { secretName, key, value: secretName === '' ? value : '' };
}

function parseInitContainer(
  c: Record<string, unknown>,
  path: string,
  issues: Issues,
  d: InitDefaults,
): InitContainerSpec {
  unknownKeys(c, ['image', 'imagePullPolicy', 'resources'], path, issues);
  const image = optString(c, 'image', path, issues, d.image);
  // Only a value given here is checked: an inherited default was checked where it was given (serve
  // checks its --init-image against the allowlist at start-up).
  if (c.image !== undefined && typeof c.image === 'string') {
    if (image.trim() === '' || /\s/.test(image)) issues.push(`${path}.image: must be a non-empty image reference`);
    else if (d.allowed !== undefined) {
      const problem = imageProblem(image);
      if (problem) issues.push(`${path}.image: ${problem}`);
      else if (!imageAllowed(image, d.allowed)) {
        issues.push(
          `${path}.image: ${image} is not allowed by the webhook's --allowed-init-images (${d.allowed.join(', ')}): ` +
            "name an allowed image, preferably by digest, or leave it out to run the webhook's own",
        );
      }
    }
  }
  return {
    image,
    imagePullPolicy: optEnum(c, 'imagePullPolicy', path, issues, ['Always', 'IfNotPresent', 'Never'], d.imagePullPolicy),
    resources: c.resources === undefined ? structuredClone(d.resources) : parseResources(c.resources, `${path}.resources`, issues),
  };
}

function parseResources(v: unknown, path: string, issues: Issues): ResourceRequirements {
  if (!isJson(v)) {
    issues.push(`${path}: must be an object with requests and/or limits`);
    return {};
  }
  unknownKeys(v, ['requests', 'limits'], path, issues);
  const out: ResourceRequirements = {};
  for (const part of ['requests', 'limits'] as const) {
    const m = v[part];
    if (m === undefined) continue;
    if (!isJson(m)) {
      issues.push(`${path}.${part}: must be a map of resource names to quantities`);
      continue;
    }
    const q: Record<string, string> = {};
    for (const [name, amount] of Object.entries(m)) {
      const s = typeof amount === 'number' ? String(amount) : amount;
      if (!STANDARD_RESOURCE.test(name) && !(name.includes('/') && !labelKeyProblem(name))) {
        issues.push(`${path}.${part}.${name}: must be cpu, memory, ephemeral-storage, hugepages-<size> or a domain-qualified name`);
      } else if (typeof s !== 'string' || !isQuantity(s)) issues.push(`${path}.${part}.${name}: must be a quantity such as 100m or 64Mi`);
      else if (quantityValue(s) < 0) issues.push(`${path}.${part}.${name}: must not be negative`);
      else q[name] = s;
    }
    out[part] = q;
  }
  // The API server refuses a container whose request exceeds its limit: every NiFi pod would be refused.
  for (const [name, request] of Object.entries(out.requests ?? {})) {
    const limit = out.limits?.[name];
    if (limit !== undefined && quantityValue(request) > quantityValue(limit)) {
      issues.push(`${path}.requests.${name}: must not exceed limits.${name} (${limit})`);
    }
  }
  return out;
}
