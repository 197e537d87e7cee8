// The NiFiTrustPolicy spec schema: every field described in the README's words (`kubectl explain`
// reads these), and defaulted where the default is a constant, so `kubectl get ntp` and `-o yaml`
// show what is in force. Defaults come from DEFAULT_SPEC, the validator's own; `kubectl explain`
// does not print `default`, so each description ends with it.
import { DEFAULT_SPEC } from '../policy/defaults.js';

/** The part of a structural OpenAPI v3 schema this CRD uses. A description is required everywhere. */
export interface CrdSchema {
  description: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'boolean';
  default?: unknown;
  properties?: Record<string, CrdSchema>;
  additionalProperties?: CrdSchema;
  items?: CrdSchema;
  required?: string[];
  enum?: Array<string | number>;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  'x-kubernetes-preserve-unknown-fields'?: true;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
}

// The validator's rules as patterns (src/policy/fields.ts, validate.ts): the schema may refuse less than
// the validator (the webhook then reports the policy Invalid), never more.
const DNS_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS_SUBDOMAIN = `${DNS_LABEL}(\\.${DNS_LABEL})*`;
/** An absolute path other than "/" and without ":" (the validator also refuses ".." segments). */
const ABSOLUTE_DIR = '^/[^:]*[^:/][^:]*$';
const QUANTITY = '^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+|[KMGTPE]i|[numkMGTPE])?$';
const UID = { type: 'integer', minimum: 1, maximum: 2147483647 } as const;

/** A fresh copy of a DEFAULT_SPEC value (it is frozen, and every CRD object must be its own). */
const copy = <T>(v: T): T => structuredClone(v);

/** `default: {}` so the nested defaults apply when the parent is left out. */
function object(description: string, properties: Record<string, CrdSchema>, defaulted = true): CrdSchema {
  return { type: 'object', description, ...(defaulted ? { default: {} } : {}), properties };
}

function str(description: string, rules: Partial<CrdSchema> = {}): CrdSchema {
  return { type: 'string', description, ...rules };
}

function enumOf(description: string, values: readonly string[], dflt?: string): CrdSchema {
  return { type: 'string', description: dflt === undefined ? description : `${description} Default: ${dflt}.`, enum: [...values], ...(dflt === undefined ? {} : { default: dflt }) };
}

const selectors = (role: string, dflt: string, value: unknown): CrdSchema => ({
  type: 'array',
  description:
    `Kubernetes label selectors: a pod is ${role} when any of them matches. An empty selector is refused ` +
    `(it would match every pod). Default: ${dflt}.`,
  minItems: 1,
  default: copy(value),
  items: {
    type: 'object',
    description: 'A label selector; matchLabels and matchExpressions must all match.',
    properties: {
      matchLabels: {
        type: 'object',
        description: 'Label keys and the values they must have.',
        additionalProperties: { type: 'string', description: 'The label value.' },
      },
      matchExpressions: {
        type: 'array',
        description: 'Requirements on labels.',
        items: {
          type: 'object',
          description: 'A label key, an operator and, for In and NotIn, the values.',
          required: ['key', 'operator'],
          properties: {
            key: str('The label key.'),
            operator: enumOf('In, NotIn, Exists or DoesNotExist.', ['In', 'NotIn', 'Exists', 'DoesNotExist']),
            values: {
              type: 'array',
              description: 'Non-empty for In and NotIn, empty for Exists and DoesNotExist.',
              items: str('A label value.'),
            },
          },
        },
      },
    },
  },
});

const resourceMap = (which: string): CrdSchema => ({
  type: 'object',
  description: `${which} of the init container: cpu, memory, ephemeral-storage, hugepages-<size> or a domain-qualified name, to a quantity.`,
  // Not x-kubernetes-int-or-string: that refuses 0.5, which a pod's resources accept. Any value passes
  // the schema; a string must look like a quantity, and the webhook checks the rest.
  additionalProperties: {
    description: 'A quantity, as a string (100m, 64Mi, 0.5) or a number (1, 0.5).',
    'x-kubernetes-preserve-unknown-fields': true,
    pattern: QUANTITY,
  },
});

/**
 * The injected init container. `inherited` (caPinning's): no defaults, since it follows
 * trustBundle.initContainer field by field and a filled-in default would break that.
 */
function initContainer(description: string, inherited: boolean): CrdSchema {
  const d = DEFAULT_SPEC.trustBundle.initContainer;
  const from = inherited ? ' Default: as trustBundle.initContainer.' : '';
  return object(description, {
    image: str(
      "This project's image, which runs `nifi-ca-guard truststore` or `ca restore`. Leave it out so it follows the " +
        "webhook on upgrades. Must match the webhook's --allowed-init-images (default: its own image's repository), " +
        `else the policy is refused. Default: ${inherited ? 'as trustBundle.initContainer' : "the webhook's own image (serve --init-image)"}.`,
      { minLength: 1 },
    ),
    imagePullPolicy: inherited
      ? enumOf(`Always, IfNotPresent or Never.${from}`, ['Always', 'IfNotPresent', 'Never'])
      : enumOf('Always, IfNotPresent or Never.', ['Always', 'IfNotPresent', 'Never'], d.imagePullPolicy),
    resources: {
      type: 'object',
      description:
        'Requests and limits of the init container. Given, it replaces the default whole (a request must not exceed its limit).' +
        (inherited ? from : ' Default: 10m/32Mi requests, 200m/128Mi limits.'),
      ...(inherited ? {} : { default: copy(d.resources) }),
      properties: { requests: resourceMap('Requests'), limits: resourceMap('Limits') },
    },
  }, !inherited);
}

const containers = (which: string, dflt: string): CrdSchema => ({
  type: 'array',
  description: `${which} Default: [] (${dflt}).`,
  default: [],
  items: str('A container name.', { maxLength: 63, pattern: `^${DNS_LABEL}$` }),
});

function trustBundle(): CrdSchema {
  const d = DEFAULT_SPEC.trustBundle;
  const envOnly = ' With wiring merge it does not apply: a value other than the default is an error.';
  return object('The trust bundle: every CA NiFi must trust, from a Secret, into the truststore NiFi reads.', {
    enabled: { type: 'boolean', description: `Inject the trust bundle into NiFi pods. Default: ${d.enabled}.`, default: d.enabled },
    wiring: enumOf(
      'env: our own truststore in an emptyDir plus TRUSTSTORE_* (read by the apache/nifi start script in its secured ' +
        "modes); merge: add the bundle into the store the pod's enrolment init container wrote (see merge). format, " +
        'mountPath and containers apply to env only, merge to merge only, so a forgotten wiring: merge never silently ' +
        'becomes env wiring.',
      ['env', 'merge'],
      d.wiring,
    ),
    secretName: str(`The Secret (in the pod's namespace) holding the PEM bundle of CA certificates. Default: ${d.secretName}.`, {
      minLength: 1, maxLength: 253, pattern: `^${DNS_SUBDOMAIN}$`, default: d.secretName,
    }),
    key: str(`The Secret's key holding the PEM bundle. Default: ${d.key}.`, { pattern: '^[-._a-zA-Z0-9]+$', maxLength: 253, default: d.key }),
    format: enumOf(
      `The truststore the init container writes: pkcs12 (truststore.p12), jks (truststore.jks) or pem (truststore.pem).${envOnly}`,
      ['pkcs12', 'jks', 'pem'],
      d.format,
    ),
    mountPath: str(
      `Where NiFi containers see the truststore (read-only); TRUSTSTORE_PATH points at the file in it.${envOnly} Default: ${d.mountPath}.`,
      { pattern: ABSOLUTE_DIR, default: d.mountPath },
    ),
    containers: containers(
      `Containers that get the mount and the TRUSTSTORE_* env; empty: the NiFi containers (image apache/nifi or a mirror, or a command running nifi.sh or the start script), never sidecars.${envOnly}`,
      'the NiFi containers',
    ),
    password: object(
      'The truststore password: a literal value (at least 6 characters), or secretName and key of a Secret in the ' +
        "pod's namespace (TRUSTSTORE_PASSWORD then uses valueFrom.secretKeyRef). A truststore holds only public " +
        'certificates: the password guards integrity, not secrecy. Default: value changeit.',
      {
        // No default for secretName or value: a filled-in value beside a secretName would be "both".
        secretName: str("A Secret in the pod's namespace holding the password; set it or value, not both.", {
          maxLength: 253, pattern: `^(${DNS_SUBDOMAIN})?$`,
        }),
        key: str(`The Secret's key holding the password. Default: ${d.password.key}.`, { pattern: '^[-._a-zA-Z0-9]+$', maxLength: 253, default: d.password.key }),
        value: str(`The password itself, at least 6 characters (keytool's minimum). Default: ${d.password.value} (when secretName is not set).`),
      },
    ),
    // No `default: {}`: merge set with wiring env is an error, which a filled-in object would cause.
    merge: object(
      "With wiring merge: where the pod's enrolment (tls-toolkit.sh client) leaves the store the bundle is merged " +
        'into. An init container, nifi-ca-guard-trust-merge, runs right after the enrolment one and adds every bundle ' +
        "CA to that store in place; NiFi's containers are not touched. Set only with wiring merge.",
      {
        after: str('The enrolment init container (runs tls-toolkit.sh client); the merge step is inserted right after it. Required for merge.', {
          maxLength: 63, pattern: `^(${DNS_LABEL})?$`,
        }),
        volume: str('The pod volume holding the store; mounted into the merge step at /var/run/nifi-ca-guard/target. Required for merge.', {
          maxLength: 63, pattern: `^(${DNS_LABEL})?$`,
        }),
        store: str("The store's path relative to that volume's root (no ..), e.g. certs/truststore.jks. Required for merge.", { maxLength: 1024 }),
        storeType: enumOf('jks (what the toolkit client writes) or pkcs12.', ['jks', 'pkcs12'], d.merge.storeType),
        passwordFile: str('A file relative to the volume holding the store password; empty: trustBundle.password.', { maxLength: 1024 }),
        passwordKey: str(
          "The top-level JSON key of passwordFile holding the password, e.g. trustStorePassword in the toolkit's config.json; empty: the file is the password.",
          { maxLength: 253 },
        ),
        runAsUser: {
          ...UID,
          description:
            "The merge step's uid when neither the enrolment container nor the pod sets one (it must write where " +
            `enrolment wrote; a root enrolment skips the step with a warning). Default: ${d.merge.runAsUser}.`,
          default: d.merge.runAsUser,
        },
      },
      false,
    ),
    initContainer: initContainer('The init container that writes (env) or merges (merge) the truststore.', false),
  });
}

function caPinning(): CrdSchema {
  const d = DEFAULT_SPEC.caPinning;
  return object(
    'CA pinning for nifi-ca pods: an init container (nifi-ca-guard ca restore) copies the pinned CA keystore and ' +
      "config.json from a Secret into the toolkit's working directory, so a rescheduled nifi-ca keeps its CA key " +
      'instead of minting a new one (docs/ca-pinning.md).',
    {
      enabled: { type: 'boolean', description: `Give nifi-ca pods the restore init container. Default: ${d.enabled}.`, default: d.enabled },
      secretName: str(`The private Secret written by nifi-ca-guard ca init or ca adopt. Default: ${d.secretName}.`, {
        minLength: 1, maxLength: 253, pattern: `^${DNS_SUBDOMAIN}$`, default: d.secretName,
      }),
      workDir: str(
        "The toolkit's working directory, where it looks for config.json: an emptyDir is mounted there and the " +
          "container's workingDir is set when it has none. Already a volume: the step is skipped with a warning. " +
          `Default: ${d.workDir}.`,
        { pattern: ABSOLUTE_DIR, default: d.workDir },
      ),
      containers: containers('Containers running tls-toolkit.sh server.', 'those that run it, or the apache/nifi-toolkit image with no command'),
      runAsUser: {
        ...UID,
        description: `The toolkit's uid (apache/nifi-toolkit runs as 1000); the restored files are owned by it. Default: ${d.runAsUser}.`,
        default: d.runAsUser,
      },
      initContainer: initContainer('Image, pull policy and resources of the restore init container; each field left out follows trustBundle.initContainer.', true),
    },
  );
}

/** The spec schema: a fresh object on every call. */
export function policySpecSchema(): CrdSchema {
  const d = DEFAULT_SPEC;
  return object('What the webhook does to NiFi and nifi-ca pods in the namespaces this policy governs. Every field is optional.', {
    namespaces: {
      type: 'array',
      description:
        'Namespaces this policy governs: names or globs with * and ?. Empty: every namespace. A namespace claimed by ' +
        'two policies is a configuration error: its pods are admitted unchanged, with a warning. Default: [] (every namespace).',
      default: copy(d.namespaces),
      items: str('A namespace name or a glob of one.', { maxLength: 63, pattern: '^[a-z0-9*?]([-a-z0-9*?]*[a-z0-9*?])?$' }),
    },
    nifi: object('Which pods are NiFi pods.', { selectors: selectors('NiFi', 'app=nifi, or app.kubernetes.io/name=nifi', d.nifi.selectors) }),
    ca: object('Which pods are nifi-ca pods (tls-toolkit.sh server). A pod matching both roles is left alone, with a warning.', {
      selectors: selectors('nifi-ca', 'app=nifi-ca, or app.kubernetes.io/name=nifi-ca', d.ca.selectors),
    }),
    placement: object('Pod anti-affinity that keeps nifi-ca apart from NiFi, so losing one node never takes both.', {
      mode: enumOf(
        'required: hard anti-affinity (nifi-ca stays Pending rather than share a node with NiFi); preferred: soft, with weight; off: no placement terms.',
        ['required', 'preferred', 'off'],
        d.placement.mode,
      ),
      topologyKey: str(`The failure domain to keep apart: a node label key, e.g. topology.kubernetes.io/zone. Default: ${d.placement.topologyKey}.`, {
        minLength: 1, default: d.placement.topologyKey,
      }),
      weight: {
        type: 'integer',
        description: `1 to 100, the weight of the preferred terms (mode preferred). Default: ${d.placement.weight}.`,
        minimum: 1,
        maximum: 100,
        default: d.placement.weight,
      },
    }),
    trustBundle: trustBundle(),
    caPinning: caPinning(),
    enforcement: enumOf('enforce: patch pods; audit: never patch, warn with what would have changed.', ['enforce', 'audit'], d.enforcement),
    allowOptOut: {
      type: 'boolean',
      description:
        'true: a pod annotated nifi-ca-guard.io/skip: "true" is left alone (with a warning); false: the annotation is ' +
        `ignored, with a warning. Default: ${d.allowOptOut}.`,
      default: d.allowOptOut,
    },
  });
}
