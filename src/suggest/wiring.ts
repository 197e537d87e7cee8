// How the shared CA bundle reaches the truststore the NiFi container really reads, decided from the
// NiFi pod's own containers (first rule that applies):
//   b) a NiFi container runs `tls-toolkit.sh client` itself: trust bundle off (nothing can reach that store);
//   c) a NiFi container runs the apache/nifi start script in a mode that maps TRUSTSTORE_*, and sets
//      none of them itself: env wiring for it (an enrolment store beside it is not what NiFi reads);
//   a) an init container runs `tls-toolkit.sh client` in a directory we can follow, on a pod volume:
//      merge wiring into the truststore.jks it writes, with the password from its config.json;
//   c') the start script runs in a mode that ignores TRUSTSTORE_*: env, with a warning about AUTH;
//   d) anything else: env, with a warning that NiFi will not read TRUSTSTORE_* and what would work.
import { posix } from 'node:path';
import { readPath, type Json } from '../mutation/pod.js';
import {
  commandLine,
  enrolment,
  imageName,
  isNiFiContainer,
  runAsUserOf,
  runsStartScript,
  runsToolkit,
  startScriptReadsTruststoreEnv,
  volumeAt,
} from '../mutation/recognise.js';
import { DEFAULT_SPEC } from '../policy/defaults.js';
import { containersOf, initContainersOf } from './find.js';
import type { Commented, Workload } from './types.js';

export type WiringRule =
  | 'self-enrolment'
  | 'start-script'
  | 'merge'
  | 'start-script-ignores'
  | 'own-truststore-env'
  | 'own-script'
  | 'unknown-entrypoint'
  | 'unread';

export interface WiringSuggestion {
  rule: WiringRule;
  /** spec.trustBundle, only the fields that differ from the defaults plus wiring. */
  trustBundle: Json;
  /** Comments with paths relative to spec.trustBundle. */
  comments: Commented[];
}

const TOOLKIT_TRUSTSTORE = 'truststore.jks';
const BUNDLE_SECRET = `Secret ${DEFAULT_SPEC.trustBundle.secretName} (key ${DEFAULT_SPEC.trustBundle.key}: the PEM CA certificates to trust)`;
const NEEDS_SECRET = `Needs ${BUNDLE_SECRET} in the NiFi pods' namespace before they restart; \`nifi-ca-guard ca adopt\` or \`ca init\` writes it (see caPinning).`;
const LIVE_CA = 'With env wiring the truststore holds only the bundle, so the bundle must hold the CA nifi-ca signs with now: pin that CA (caPinning below).';

/** Where merge wiring would write, for one enrolment init container; or why it cannot. */
export interface MergePlan {
  init: Json;
  dir: string;
  volume: string;
  /** Relative to the volume's root. */
  store: string;
  /** Relative to the volume's root; undefined when config.json is elsewhere. */
  passwordFile: string | undefined;
  configJson: string;
  /** NiFi containers that mount the volume so that they see the store, and the path they see it at. */
  readers: Array<{ container: string; path: string }>;
  /** The volume is not in spec.volumes (a StatefulSet volumeClaimTemplate). */
  claimTemplate: boolean;
}

export function mergePlan(pod: Json, init: Json): MergePlan | string {
  const e = enrolment(init);
  if (!e) return 'it runs no tls-toolkit.sh client';
  if (e.dir === undefined) return "its working directory cannot be followed (a cd into a variable, or a relative cd without workingDir)";
  const at = volumeAt(init, e.dir);
  if (!at) return `it writes into ${e.dir}, on its own filesystem, which NiFi cannot see`;
  const store = posix.join(at.subPath, at.inside, TOOLKIT_TRUSTSTORE);
  const configJson = e.configJson.startsWith('/') ? posix.normalize(e.configJson) : posix.join(e.dir, e.configJson);
  const cfg = volumeAt(init, configJson);
  const passwordFile = cfg && cfg.volume === at.volume ? posix.join(cfg.subPath, cfg.inside) : undefined;
  const readers: MergePlan['readers'] = [];
  for (const c of containersOf(pod).filter(isNiFiContainer)) {
    const mounts = Array.isArray(c.volumeMounts) ? (c.volumeMounts as Json[]) : [];
    for (const m of mounts) {
      if (m.name !== at.volume || typeof m.mountPath !== 'string') continue;
      const sub = typeof m.subPath === 'string' ? m.subPath.replace(/\/+$/, '') : '';
      if (sub !== '' && !store.startsWith(`${sub}/`)) continue;
      readers.push({ container: String(c.name), path: posix.join(m.mountPath, sub === '' ? store : store.slice(sub.length + 1)) });
      break;
    }
  }
  const volumes = readPath(pod, 'spec', 'volumes');
  const claimTemplate = !(Array.isArray(volumes) && volumes.some((v) => (v as Json | null)?.name === at.volume));
  return { init, dir: e.dir, volume: at.volume, store, passwordFile, configJson, readers, claimTemplate };
}

/** The container sets TRUSTSTORE_* itself (env, or an assignment in its script): the webhook keeps those. */
export function setsOwnTruststoreEnv(c: Json): boolean {
  const env = Array.isArray(c.env) ? (c.env as Json[]) : [];
  if (env.some((e) => /^TRUSTSTORE_(PATH|TYPE|PASSWORD)$/.test(String(e?.name)))) return true;
  return /(^|[\s;])(export\s+)?TRUSTSTORE_(PATH|TYPE|PASSWORD)=/.test(commandLine(c));
}

/** The apache/nifi start script runs: the image's own entrypoint, or a command that calls it. */
function startScriptRuns(c: Json): boolean {
  return runsStartScript(c) && (imageName(c.image) === 'nifi' || /scripts\/start\.sh/.test(commandLine(c)));
}

function authOf(c: Json): string {
  const env = Array.isArray(c.env) ? (c.env as Json[]) : [];
  const auth = env.find((e) => e?.name === 'AUTH');
  return auth === undefined ? 'unset' : typeof auth.value === 'string' ? auth.value : 'from a reference';
}

export function suggestWiring(w: Workload): WiringSuggestion {
  const nifis = containersOf(w.pod).filter(isNiFiContainer);
  const names = (list: Json[]) => list.map((c) => String(c.name));
  const enrolling = initContainersOf(w.pod).filter((c) => runsToolkit(c, 'client'));

  // b) self-enrolment
  const self = nifis.filter((c) => runsToolkit(c, 'client'));
  if (self.length > 0) {
    return {
      rule: 'self-enrolment',
      trustBundle: { enabled: false },
      comments: [
        {
          path: ['enabled'],
          lines: [
            `Off: container ${names(self).join(', ')} of ${w.ref} runs tls-toolkit.sh client itself, and the bundle cannot reach the store it writes: the client loads an existing truststore only with the password from a config.json it reads with -F/--configJsonIn, and its own store password is random.`,
            'Instead, either:',
            '- pin the CA (caPinning below), so every enrolment gets the same CA; or',
            '- make the one change of examples/toolkit-client: move the client into an init container (release-enrol-init.yaml), then suggest again for wiring: merge.',
          ],
        },
      ],
    };
  }

  const plans = enrolling.map((init) => ({ init, plan: mergePlan(w.pod, init) }));
  const ok = plans.flatMap((p) => (typeof p.plan === 'string' ? [] : [p.plan]));
  const merge = ok.find((p) => p.readers.length > 0) ?? ok[0];
  const notMergeable = plans.flatMap((p) => (typeof p.plan === 'string' ? [`Init container ${String(p.init.name)} enrols, but ${p.plan}: set wiring: merge and merge.after, volume, store by hand if NiFi reads that store.`] : []));

  // c) the start script maps TRUSTSTORE_*
  const reading = nifis.filter((c) => startScriptRuns(c) && startScriptReadsTruststoreEnv(c) !== 'no' && !setsOwnTruststoreEnv(c));
  if (reading.length > 0) {
    const lines = [
      `env: container ${names(reading).join(', ')} runs the apache/nifi start script, which maps TRUSTSTORE_PATH, TRUSTSTORE_TYPE and TRUSTSTORE_PASSWORD onto nifi.properties; the webhook points them at a truststore built from the bundle.`,
      LIVE_CA,
    ];
    for (const c of reading) {
      if (startScriptReadsTruststoreEnv(c) === 'unknown') {
        lines.push(`AUTH of container ${String(c.name)} comes from a Secret, ConfigMap or envFrom: it must be tls or ldap (oidc from NiFi 1.20), or the start script ignores TRUSTSTORE_*.`);
      }
    }
    for (const p of ok) lines.push(`Init container ${String(p.init.name)} also writes a ${TOOLKIT_TRUSTSTORE}, but NiFi reads the truststore TRUSTSTORE_PATH names, not that one.`);
    return envWiring('start-script', names(reading), lines);
  }

  // a) merge into what enrolment wrote
  if (merge) return mergeWiring(w, merge);

  // c') the start script runs, in a mode that ignores TRUSTSTORE_*
  const ignoring = nifis.filter((c) => startScriptRuns(c) && !setsOwnTruststoreEnv(c));
  if (ignoring.length > 0) {
    return envWiring('start-script-ignores', names(ignoring), [
      ...ignoring.map((c) => `WARNING: container ${String(c.name)} runs the apache/nifi start script with AUTH ${authOf(c)}: AUTH must be tls or ldap (oidc from NiFi 1.20), or the script ignores TRUSTSTORE_* and this wiring changes nothing NiFi reads.`),
      LIVE_CA,
      ...notMergeable,
    ]);
  }

  const own = nifis.filter(setsOwnTruststoreEnv);
  if (own.length > 0) {
    return envWiring('own-truststore-env', undefined, [
      `WARNING: container ${names(own).join(', ')} sets TRUSTSTORE_* itself; the webhook keeps those, so NiFi reads that store, not the bundle. Remove them to let env wiring set them, or enrol in an init container onto a shared volume and use wiring: merge.`,
      ...notMergeable,
    ]);
  }

  if (nifis.some((c) => /\$\{?TRUSTSTORE_(PATH|TYPE|PASSWORD)/.test(commandLine(c)))) {
    return envWiring('own-script', undefined, [
      `env: the command of ${w.ref}'s NiFi container reads TRUSTSTORE_* itself; the webhook points them at a truststore built from the bundle.`,
      LIVE_CA,
      ...notMergeable,
    ]);
  }

  const unknownEntrypoint = nifis.filter((c) => runsStartScript(c) && imageName(c.image) !== 'nifi');
  if (unknownEntrypoint.length > 0) {
    return envWiring('unknown-entrypoint', undefined, [
      `WARNING: container ${names(unknownEntrypoint).join(', ')} runs its image's own entrypoint (image ${String(unknownEntrypoint[0]!.image)}): env wiring works only if that entrypoint maps TRUSTSTORE_* onto nifi.properties like the apache/nifi start script.`,
      LIVE_CA,
      ...notMergeable,
    ]);
  }

  return envWiring('unread', undefined, [
    `WARNING: NiFi will not read TRUSTSTORE_*: the command of container ${names(nifis).join(', ')} bypasses the apache/nifi start script and does not use them, so this wiring changes nothing NiFi reads.`,
    'What would work: enrol with tls-toolkit.sh client in an init container onto a volume NiFi mounts, then wiring: merge; or have the command set nifi.security.truststore, truststoreType and truststorePasswd from TRUSTSTORE_PATH, TRUSTSTORE_TYPE and TRUSTSTORE_PASSWORD.',
    ...notMergeable,
  ]);
}

function envWiring(rule: WiringRule, containers: string[] | undefined, lines: string[]): WiringSuggestion {
  return {
    rule,
    trustBundle: { wiring: 'env', ...(containers ? { containers } : {}) },
    comments: [
      { path: [], lines: [NEEDS_SECRET] },
      { path: ['wiring'], lines },
    ],
  };
}

function mergeWiring(w: Workload, p: MergePlan): WiringSuggestion {
  const after = String(p.init.name);
  const lines = [
    `merge: init container ${after} runs tls-toolkit.sh client in ${p.dir}, which writes ${TOOLKIT_TRUSTSTORE} there; the webhook adds the bundle's CAs into that store right after ${after}, so NiFi keeps reading the store it reads today.`,
  ];
  if (p.readers.length > 0) {
    lines.push(...p.readers.map((r) => `Container ${r.container} mounts volume ${p.volume} and sees the store at ${r.path}.`));
  } else {
    lines.push(`WARNING: no NiFi container of ${w.ref} mounts volume ${p.volume} where the store is, so NiFi cannot read it: mount it, or the merge changes nothing NiFi reads.`);
  }
  if (p.claimTemplate) lines.push(`Volume ${p.volume} is not in the pod template's volumes (a volumeClaimTemplate): the pods get it, but preview of the template reports the merge skipped.`);
  const merge: Json = { after, volume: p.volume, store: p.store, storeType: 'jks' };
  const comments: Commented[] = [
    { path: [], lines: [NEEDS_SECRET] },
    { path: ['wiring'], lines },
    { path: ['merge', 'store'], lines: [`Relative to the root of volume ${p.volume}; the toolkit client always writes ${TOOLKIT_TRUSTSTORE} (JKS).`] },
  ];
  if (p.passwordFile !== undefined) {
    merge.passwordFile = p.passwordFile;
    merge.passwordKey = 'trustStorePassword';
    comments.push({ path: ['merge', 'passwordFile'], lines: [`The config.json the client writes (${p.configJson}); its trustStorePassword opens the store.`] });
  } else {
    comments.push({
      path: ['merge', 'storeType'],
      lines: [`WARNING: the client's config.json (${p.configJson}) is not on volume ${p.volume}, so the merge cannot read the store's password: put it there (-f), or set trustBundle.password to the store's password.`],
    });
  }
  const uid = runAsUserOf(readPath(w.pod, 'spec') as Json, p.init);
  if (uid === 0) {
    comments.push({ path: ['merge', 'after'], lines: [`WARNING: ${after} runs as root, so the webhook skips the merge (a non-root merge cannot write a root-owned store): run enrolment as the image's uid.`] });
  } else if (uid === undefined) {
    comments.push({ path: ['merge', 'after'], lines: [`${after} sets no runAsUser: the merge runs as merge.runAsUser (${DEFAULT_SPEC.trustBundle.merge.runAsUser}, the uid of the apache/nifi and nifi-toolkit images); set it if ${after}'s image runs as another user.`] });
  }
  return { rule: 'merge', trustBundle: { wiring: 'merge', merge }, comments };
}
