import type { LevelWithSilent } from 'pino';
import { LOG_LEVELS } from './log.js';
import { imageProblem } from './policy/image.js';

/** Everything `serve` needs, resolved once and frozen. */
export interface RuntimeConfig {
  readonly host: string;
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
  /** Image of the injected init containers for policies that name none; undefined: nifi-ca-guard:<version>. */
  readonly initImage: string | undefined;
}

export const DEFAULTS: RuntimeConfig = Object.freeze({
  host: '0.0.0.0',
  port: 8443,
  tlsCert: '/etc/nifi-ca-guard/tls/tls.crt',
  tlsKey: '/etc/nifi-ca-guard/tls/tls.key',
  policyFile: undefined,
  logLevel: 'info',
  shutdownGraceMs: 10_000,
  shutdownDelayMs: 3_000,
  reloadIntervalMs: 5_000,
  watchPolicies: false,
  initImage: undefined,
});

/** Raw flag values as commander hands them over (strings; absent when not given). */
export interface ConfigFlags {
  host?: string;
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
  initImage?: string;
}

/** Each setting's environment variable; a flag wins over its variable, which wins over the default. */
export const ENV = Object.freeze({
  host: 'NIFI_CA_GUARD_HOST',
  port: 'NIFI_CA_GUARD_PORT',
  tlsCert: 'NIFI_CA_GUARD_TLS_CERT',
  tlsKey: 'NIFI_CA_GUARD_TLS_KEY',
  policy: 'NIFI_CA_GUARD_POLICY',
  logLevel: 'NIFI_CA_GUARD_LOG_LEVEL',
  shutdownGraceMs: 'NIFI_CA_GUARD_SHUTDOWN_GRACE_MS',
  shutdownDelayMs: 'NIFI_CA_GUARD_SHUTDOWN_DELAY_MS',
  reloadIntervalMs: 'NIFI_CA_GUARD_TLS_RELOAD_INTERVAL_MS',
  watchPolicies: 'NIFI_CA_GUARD_WATCH_POLICIES',
  initImage: 'NIFI_CA_GUARD_INIT_IMAGE',
} satisfies Record<keyof ConfigFlags, string>);

/** Resolves flags and env; throws one Error listing every invalid setting. */
export function resolveConfig(flags: ConfigFlags, env: Readonly<Record<string, string | undefined>>): RuntimeConfig {
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

  const config: RuntimeConfig = Object.freeze({
    host: text('host', DEFAULTS.host),
    port: int('port', DEFAULTS.port, 0, 65535),
    tlsCert: text('tlsCert', DEFAULTS.tlsCert),
    tlsKey: text('tlsKey', DEFAULTS.tlsKey),
    policyFile: pick('policy') ? text('policy', '') : undefined,
    logLevel: level(),
    shutdownGraceMs: int('shutdownGraceMs', DEFAULTS.shutdownGraceMs, 0, 600_000),
    shutdownDelayMs: int('shutdownDelayMs', DEFAULTS.shutdownDelayMs, 0, 600_000),
    reloadIntervalMs: int('reloadIntervalMs', DEFAULTS.reloadIntervalMs, 50, 3_600_000),
    watchPolicies: bool('watchPolicies', DEFAULTS.watchPolicies),
    initImage: image('initImage'),
  });
  if (errors.length > 0) throw new Error(errors.join('; '));
  return config;
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
