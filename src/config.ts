import { hostname } from 'node:os';
import type { LevelWithSilent } from 'pino';
import { LOG_LEVELS } from './log.js';
import { DEFAULT_IMAGE } from './policy/defaults.js';
import { defaultAllowedImages, imageAllowed, imagePatternProblem, imageProblem } from './policy/image.js';

/** `file`: a mounted certificate pair (cert-manager, manual). `self-managed`: the webhook keeps its own CA in a Secret. */
export const TLS_MODES = ['file', 'self-managed'] as const;
export type TlsMode = (typeof TLS_MODES)[number];

/** Everything `serve` needs, resolved once and frozen. */
export interface RuntimeConfig {
  /** `::` (dual-stack; 0.0.0.0 where the host has no IPv6). */
  readonly host: string;
  /** Open connections beyond this are dropped at accept; each costs native memory (see docs/install.md). */
  readonly maxConnections: number;
  readonly port: number;
  readonly tlsCert: string;
  readonly tlsKey: string;
  /** undefined: the built-in default policy. */
  readonly policyFile: string | undefined;
  readonly logLevel: LevelWithSilent;
  readonly shutdownGraceMs: number;
  /** After SIGTERM, keep serving (readyz 503) this long so endpoints drop the pod before the listener closes. */
  readonly shutdownDelayMs: number;
  readonly reloadIntervalMs: number;
  /** Watch NiFiTrustPolicy objects in the cluster (kubeconfig or in-cluster service account). */
  readonly watchPolicies: boolean;
  /**
   * With watchPolicies: the leader keeps the webhook configuration's entries (objectSelectors, namespace
   * names) in step with the policies in force, so pods no policy governs never reach the webhook.
   */
  readonly followPolicies: boolean;
  /** How often the leader checks the webhook configuration besides policy changes (an install may reset it). */
  readonly followPoliciesIntervalMs: number;
  /** Image of the injected init containers for policies that name none; undefined: nifi-ca-guard:<version>. */
  readonly initImage: string | undefined;
  /**
   * Image patterns a policy's init-container images must match (`*`: any run of characters but "/").
   * Default: every tag and digest of the init image's repository, i.e. the webhook's own image.
   */
  readonly allowedInitImages: readonly string[];
  readonly tlsMode: TlsMode;
  /** Self-managed mode: the Secret (in `namespace`) holding CA, serving pair and rotation state. */
  readonly tlsSecret: string;
  /** The MutatingWebhookConfiguration whose caBundles (self-managed) and entries (followPolicies) the leader keeps current. */
  readonly webhookConfiguration: string;
  /** Self-managed mode: the Service the API server calls; its DNS names go into the certificate. */
  readonly service: string;
  /** The webhook's own namespace (Secret, Lease, Service). */
  readonly namespace: string;
  /** Self-managed mode: the coordination.k8s.io Lease that elects the one replica that writes. */
  readonly lease: string;
  /** This replica's name in the Lease: the pod name (downward API), else the host name. */
  readonly identity: string;
  /** How often every replica reads the Secret (and the leader reconciles). */
  readonly tlsSyncIntervalMs: number;
  /** How long a caBundle change is given to reach every API server, and a new pair every replica, before the next step. */
  readonly tlsRolloutDelayMs: number;
  readonly tlsCaValidityMs: number;
  readonly tlsCertValidityMs: number;
  /** Rotate the CA when it has this little left; more than the serving certificate's, so a rotation never races a renewal. */
  readonly tlsCaRenewBeforeMs: number;
  readonly tlsCertRenewBeforeMs: number;
  /** A leader that has not renewed the Lease for this long is replaced. */
  readonly leaseDurationMs: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const DEFAULTS: RuntimeConfig = Object.freeze({
  host: '::',
  maxConnections: 1000,
  port: 8443,
  tlsCert: '/etc/nifi-ca-guard/tls/tls.crt',
  tlsKey: '/etc/nifi-ca-guard/tls/tls.key',
  policyFile: undefined,
  logLevel: 'info',
  shutdownGraceMs: 10_000,
  shutdownDelayMs: 3_000,
  reloadIntervalMs: 5_000,
  watchPolicies: false,
  followPolicies: true,
  followPoliciesIntervalMs: MINUTE,
  initImage: undefined,
  allowedInitImages: Object.freeze(defaultAllowedImages(DEFAULT_IMAGE)),
  tlsMode: 'file',
  tlsSecret: 'nifi-ca-guard-tls',
  webhookConfiguration: 'nifi-ca-guard',
  service: 'nifi-ca-guard',
  namespace: 'nifi-ca-guard',
  lease: 'nifi-ca-guard',
  identity: hostname() || 'nifi-ca-guard',
  // Kyverno's figures: CA a year, serving certificate ~150 days, renewed 15 days ahead.
  tlsSyncIntervalMs: 10 * SECOND,
  tlsRolloutDelayMs: 2 * MINUTE,
  tlsCaValidityMs: 365 * DAY,
  tlsCertValidityMs: 150 * DAY,
  tlsCaRenewBeforeMs: 30 * DAY,
  tlsCertRenewBeforeMs: 15 * DAY,
  leaseDurationMs: 15 * SECOND,
});

/** Raw flag values as commander hands them over (strings; absent when not given). */
export interface ConfigFlags {
  host?: string;
  maxConnections?: string;
  port?: string;
  tlsCert?: string;
  tlsKey?: string;
  policy?: string;
  logLevel?: string;
  shutdownGraceMs?: string;
  shutdownDelayMs?: string;
  reloadIntervalMs?: string;
  /** commander hands a boolean flag over as true; the variable as text. */
  watchPolicies?: string | boolean;
  /** `--follow-policies` alone is true; `--follow-policies=false` hands over the text. */
  followPolicies?: string | boolean;
  followPoliciesInterval?: string;
  initImage?: string;
  allowedInitImages?: string;
  tlsMode?: string;
  tlsSecret?: string;
  webhookConfiguration?: string;
  service?: string;
  namespace?: string;
  lease?: string;
  tlsSyncInterval?: string;
  tlsRolloutDelay?: string;
  tlsCaValidity?: string;
  tlsCertValidity?: string;
  tlsCaRenewBefore?: string;
  tlsCertRenewBefore?: string;
  leaseDuration?: string;
}

/** Each setting's environment variable; a flag wins over its variable, which wins over the default. */
export const ENV = Object.freeze({
  host: 'NIFI_CA_GUARD_HOST',
  maxConnections: 'NIFI_CA_GUARD_MAX_CONNECTIONS',
  port: 'NIFI_CA_GUARD_PORT',
  tlsCert: 'NIFI_CA_GUARD_TLS_CERT',
  tlsKey: 'NIFI_CA_GUARD_TLS_KEY',
  policy: 'NIFI_CA_GUARD_POLICY',
  logLevel: 'NIFI_CA_GUARD_LOG_LEVEL',
  shutdownGraceMs: 'NIFI_CA_GUARD_SHUTDOWN_GRACE_MS',
  shutdownDelayMs: 'NIFI_CA_GUARD_SHUTDOWN_DELAY_MS',
  reloadIntervalMs: 'NIFI_CA_GUARD_TLS_RELOAD_INTERVAL_MS',
  watchPolicies: 'NIFI_CA_GUARD_WATCH_POLICIES',
  followPolicies: 'NIFI_CA_GUARD_FOLLOW_POLICIES',
  followPoliciesInterval: 'NIFI_CA_GUARD_FOLLOW_POLICIES_INTERVAL',
  initImage: 'NIFI_CA_GUARD_INIT_IMAGE',
  allowedInitImages: 'NIFI_CA_GUARD_ALLOWED_INIT_IMAGES',
  tlsMode: 'NIFI_CA_GUARD_TLS_MODE',
  tlsSecret: 'NIFI_CA_GUARD_TLS_SECRET',
  webhookConfiguration: 'NIFI_CA_GUARD_WEBHOOK_CONFIGURATION',
  service: 'NIFI_CA_GUARD_SERVICE',
  namespace: 'NIFI_CA_GUARD_NAMESPACE',
  lease: 'NIFI_CA_GUARD_LEASE',
  tlsSyncInterval: 'NIFI_CA_GUARD_TLS_SYNC_INTERVAL',
  tlsRolloutDelay: 'NIFI_CA_GUARD_TLS_ROLLOUT_DELAY',
  tlsCaValidity: 'NIFI_CA_GUARD_TLS_CA_VALIDITY',
  tlsCertValidity: 'NIFI_CA_GUARD_TLS_CERT_VALIDITY',
  tlsCaRenewBefore: 'NIFI_CA_GUARD_TLS_CA_RENEW_BEFORE',
  tlsCertRenewBefore: 'NIFI_CA_GUARD_TLS_CERT_RENEW_BEFORE',
  leaseDuration: 'NIFI_CA_GUARD_LEASE_DURATION',
} satisfies Record<keyof ConfigFlags, string>);

/** What the process learns from its surroundings rather than from flags (read by the caller). */
export interface Surroundings {
  /** The service account's namespace file, when mounted (/var/run/secrets/kubernetes.io/serviceaccount/namespace). */
  serviceAccountNamespace?: string;
}

/** `90s`, `5m`, `2h`, `365d`, `250ms`: one number and one unit. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { ms: 1, s: SECOND, m: MINUTE, h: HOUR, d: DAY }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  const n = Number(m[1]) * unit;
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The largest whole unit: 365d, 2m, 250ms (for help texts and messages). */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [['d', DAY], ['h', HOUR], ['m', MINUTE], ['s', SECOND]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Resolves flags and env; throws one Error listing every invalid setting. */
export function resolveConfig(
  flags: ConfigFlags,
  env: Readonly<Record<string, string | undefined>>,
  around: Surroundings = {},
): RuntimeConfig {
  const errors: string[] = [];
  const pick = (key: keyof ConfigFlags): { value: string; source: string } | undefined => {
    const flag = flags[key];
    if (flag !== undefined) return { value: String(flag), source: `--${kebab(key)}` };
    const fromEnv = env[ENV[key]];
    if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: ENV[key] };
    return undefined;
  };
  const text = (key: keyof ConfigFlags, fallback: string): string => {
    const got = pick(key);
    if (!got) return fallback;
    if (got.value.trim() === '') errors.push(`${got.source}: must not be empty`);
    return got.value;
  };
  const int = (key: keyof ConfigFlags, fallback: number, min: number, max: number): number => {
    const got = pick(key);
    if (!got) return fallback;
    const n = /^\d+$/.test(got.value.trim()) ? Number(got.value.trim()) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      errors.push(`${got.source}: must be an integer from ${min} to ${max}, got "${got.value}"`);
      return fallback;
    }
    return n;
  };

  const level = (): LevelWithSilent => {
    const got = pick('logLevel');
    if (!got) return DEFAULTS.logLevel;
    if ((LOG_LEVELS as readonly string[]).includes(got.value)) return got.value as LevelWithSilent;
    errors.push(`${got.source}: must be one of ${LOG_LEVELS.join(', ')}`);
    return DEFAULTS.logLevel;
  };

  const bool = (key: keyof ConfigFlags, fallback: boolean): boolean => {
    const got = pick(key);
    if (!got) return fallback;
    if (got.value === 'true' || got.value === 'false') return got.value === 'true';
    errors.push(`${got.source}: must be true or false, got "${got.value}"`);
    return fallback;
  };

  const image = (key: keyof ConfigFlags): string | undefined => {
    const got = pick(key);
    if (!got) return undefined;
    const problem = imageProblem(got.value);
    if (problem) errors.push(`${got.source}: ${problem}`);
    return got.value;
  };

  /** Comma-separated image patterns; the default follows the init image, so a changed image stays allowed. */
  const allowlist = (initImage: string | undefined): readonly string[] => {
    const effective = initImage ?? DEFAULT_IMAGE;
    const got = pick('allowedInitImages');
    const patterns = got ? got.value.split(',').map((p) => p.trim()).filter((p) => p !== '') : defaultAllowedImages(effective);
    if (got) {
      if (patterns.length === 0) errors.push(`${got.source}: must name at least one image pattern`);
      for (const p of patterns) {
        const problem = imagePatternProblem(p);
        if (problem) errors.push(`${got.source}: ${problem}`);
      }
    }
    // The built-in policy and every policy naming no image use the init image: it must be allowed too.
    if (patterns.length > 0 && !imageProblem(effective) && !imageAllowed(effective, patterns)) {
      errors.push(`${pick('initImage')?.source ?? '--init-image'}: ${effective} is not allowed by ${got?.source ?? '--allowed-init-images'} (${patterns.join(', ')})`);
    }
    return Object.freeze(patterns);
  };

  const choice = <T extends string>(key: keyof ConfigFlags, options: readonly T[], fallback: T): T => {
    const got = pick(key);
    if (!got) return fallback;
    if ((options as readonly string[]).includes(got.value)) return got.value as T;
    errors.push(`${got.source}: must be one of ${options.join(', ')}, got "${got.value}"`);
    return fallback;
  };

  /** An object name: a DNS label (Service, namespace) or subdomain (Secret, Lease, webhook configuration). */
  const name = (key: keyof ConfigFlags, fallback: string, kind: 'label' | 'subdomain'): string => {
    const got = pick(key);
    if (!got) return fallback;
    const ok = kind === 'label' ? DNS_LABEL.test(got.value) : got.value.length <= 253 && DNS_SUBDOMAIN.test(got.value);
    if (!ok) errors.push(`${got.source}: must be a DNS ${kind} (lower case letters, digits, '-'), got "${got.value}"`);
    return ok ? got.value : fallback;
  };

  const duration = (key: keyof ConfigFlags, fallback: number, min: number): number => {
    const got = pick(key);
    if (!got) return fallback;
    const ms = parseDuration(got.value);
    if (ms === undefined || ms < min) {
      errors.push(`${got.source}: must be a duration such as 250ms, 90s, 5m, 2h or 365d, at least ${min} ms, got "${got.value}"`);
      return fallback;
    }
    return ms;
  };

  // The namespace a pod runs in: the downward API's POD_NAMESPACE, else the service account's file.
  const namespaceFallback = nonEmpty(env.POD_NAMESPACE) ?? nonEmpty(around.serviceAccountNamespace?.trim()) ?? DEFAULTS.namespace;

  const initImage = image('initImage');
  const config: RuntimeConfig = Object.freeze({
    host: text('host', DEFAULTS.host),
    maxConnections: int('maxConnections', DEFAULTS.maxConnections, 1, 100_000),
    port: int('port', DEFAULTS.port, 0, 65535),
    tlsCert: text('tlsCert', DEFAULTS.tlsCert),
    tlsKey: text('tlsKey', DEFAULTS.tlsKey),
    policyFile: pick('policy') ? text('policy', '') : undefined,
    logLevel: level(),
    shutdownGraceMs: int('shutdownGraceMs', DEFAULTS.shutdownGraceMs, 0, 600_000),
    shutdownDelayMs: int('shutdownDelayMs', DEFAULTS.shutdownDelayMs, 0, 600_000),
    reloadIntervalMs: int('reloadIntervalMs', DEFAULTS.reloadIntervalMs, 50, 3_600_000),
    watchPolicies: bool('watchPolicies', DEFAULTS.watchPolicies),
    followPolicies: bool('followPolicies', DEFAULTS.followPolicies),
    followPoliciesIntervalMs: duration('followPoliciesInterval', DEFAULTS.followPoliciesIntervalMs, 100),
    initImage,
    allowedInitImages: allowlist(initImage),
    tlsMode: choice('tlsMode', TLS_MODES, DEFAULTS.tlsMode),
    tlsSecret: name('tlsSecret', DEFAULTS.tlsSecret, 'subdomain'),
    webhookConfiguration: name('webhookConfiguration', DEFAULTS.webhookConfiguration, 'subdomain'),
    service: name('service', DEFAULTS.service, 'label'),
    namespace: name('namespace', namespaceFallback, 'label'),
    lease: name('lease', DEFAULTS.lease, 'subdomain'),
    identity: nonEmpty(env.POD_NAME) ?? DEFAULTS.identity,
    tlsSyncIntervalMs: duration('tlsSyncInterval', DEFAULTS.tlsSyncIntervalMs, 50),
    tlsRolloutDelayMs: duration('tlsRolloutDelay', DEFAULTS.tlsRolloutDelayMs, 100),
    tlsCaValidityMs: duration('tlsCaValidity', DEFAULTS.tlsCaValidityMs, 60 * SECOND),
    tlsCertValidityMs: duration('tlsCertValidity', DEFAULTS.tlsCertValidityMs, 30 * SECOND),
    tlsCaRenewBeforeMs: duration('tlsCaRenewBefore', DEFAULTS.tlsCaRenewBeforeMs, 1),
    tlsCertRenewBeforeMs: duration('tlsCertRenewBefore', DEFAULTS.tlsCertRenewBeforeMs, 1),
    leaseDurationMs: duration('leaseDuration', DEFAULTS.leaseDurationMs, 1000),
  });
  if (errors.length === 0) errors.push(...timingProblems(config));
  if (errors.length > 0) throw new Error(errors.join('; '));
  return config;
}

/**
 * The orderings a safe rotation needs. Every replica reads the Secret once per sync interval (and
 * backs off up to 4 of them on API errors), so a rollout delay of 5 intervals covers a slow reader.
 * A rotation takes two rollout delays, during which the serving certificate must stay valid; the CA
 * is rotated before the serving certificate would be renewed, so a renewal is never capped by a CA
 * about to expire (which would renew again at once).
 */
function timingProblems(c: RuntimeConfig): string[] {
  const out: string[] = [];
  const flag = (k: keyof ConfigFlags): string => `--${kebab(k)}`;
  if (c.tlsRolloutDelayMs < 5 * c.tlsSyncIntervalMs) out.push(`${flag('tlsRolloutDelay')}: must be at least 5 times ${flag('tlsSyncInterval')}`);
  if (c.tlsCertRenewBeforeMs < 2 * c.tlsRolloutDelayMs) out.push(`${flag('tlsCertRenewBefore')}: must be at least twice ${flag('tlsRolloutDelay')}`);
  if (c.tlsCertRenewBeforeMs >= c.tlsCertValidityMs) out.push(`${flag('tlsCertRenewBefore')}: must be shorter than ${flag('tlsCertValidity')}`);
  if (c.tlsCaRenewBeforeMs <= c.tlsCertRenewBeforeMs) out.push(`${flag('tlsCaRenewBefore')}: must be longer than ${flag('tlsCertRenewBefore')}`);
  if (c.tlsCaRenewBeforeMs >= c.tlsCaValidityMs) out.push(`${flag('tlsCaRenewBefore')}: must be shorter than ${flag('tlsCaValidity')}`);
  return out;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
