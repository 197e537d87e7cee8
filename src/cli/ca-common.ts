// Shared by the `ca` subcommands: option sets, flag checks, where the Secrets live, error mapping.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { DEFAULT_CA_DAYS, generateKeyPair, selfSignedCa } from '../ca/generate.js';
import { DnError, parseDn, randomSerial, type KeySpec } from '../pki/index.js';
import { RotationError } from '../ca/rotate.js';
import { DEFAULT_PRIVATE_SECRET, DEFAULT_TRUST_SECRET } from '../ca/secrets.js';
import { parseToolkitConfig, TOOLKIT_CONFIG_FILE, ToolkitError, type ToolkitConfig } from '../ca/toolkit.js';
import { InspectError } from '../trust/inspect.js';
import { CliError } from './errors.js';
import { ioReason, readPassword } from './password.js';

export const out = (l: string): void => void process.stdout.write(`${l}\n`);
export const warn = (l: string): void => void process.stderr.write(`nifi-ca-guard: warning: ${l}\n`);

export interface Target {
  dir?: string;
  apply?: boolean;
  namespace: string;
  /** -n was on the command line (not the default): with --dir, it must match the files. */
  namespaceGiven?: boolean;
  privateSecret: string;
  trustSecret: string;
}

export interface KeyFlags {
  subject?: string;
  keyType: 'rsa' | 'ecdsa';
  keySize: string;
  curve: 'P-256' | 'P-384';
  days: string;
}

/** The action's flags, plus whether -n came from the command line (commander passes the command last). */
export function targetFlags<F extends Target>(flags: F, cmd: Command): F {
  return { ...flags, namespaceGiven: cmd.getOptionValueSource('namespace') === 'cli' };
}

export function targetOptions(cmd: Command): Command {
  return cmd
    .option('--dir <dir>', 'directory of Secret manifests (<name>.yaml)')
    .option('--apply', 'read and write the Secrets in the cluster (current kubeconfig context)')
    .option('-n, --namespace <ns>', 'namespace of the Secrets', 'default')
    .option('--private-secret <name>', 'Secret holding the CA keystore and config.json', DEFAULT_PRIVATE_SECRET)
    .option('--trust-secret <name>', 'Secret holding the public trust bundle (ca.crt)', DEFAULT_TRUST_SECRET);
}

export function keyOptions(cmd: Command, subjectDefault: string): Command {
  return cmd
    .option('--subject <dn>', `CA subject (default: ${subjectDefault})`)
    .addOption(new Option('--key-type <type>', 'CA key algorithm').choices(['rsa', 'ecdsa']).default('rsa'))
    .option('--key-size <bits>', 'RSA key size', '2048')
    .addOption(new Option('--curve <curve>', 'ECDSA curve').choices(['P-256', 'P-384']).default('P-256'))
    .option('--days <days>', 'CA lifetime in days', String(DEFAULT_CA_DAYS));
}

export function positiveInt(value: string, flag: string): number {
  // Decimal digits only: Number() would also take "0x2382", "1e3" and "" (as 0).
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`${flag} must be a positive integer, got "${value}"`);
  return n;
}

export function keySpec(f: KeyFlags): KeySpec {
  const bits = positiveInt(f.keySize, '--key-size');
  if (f.keyType === 'rsa' && bits < 2048) throw new CliError('--key-size must be at least 2048');
  return f.keyType === 'rsa' ? { algorithm: 'rsa', rsaBits: bits } : { algorithm: 'ecdsa', curve: f.curve };
}

/** X.509 dates end in 9999; a century is more than any CA should live. */
const MAX_CA_DAYS = 36_500;

function caDays(f: KeyFlags): number {
  const days = positiveInt(f.days, '--days');
  if (days > MAX_CA_DAYS) throw new CliError(`--days must be at most ${MAX_CA_DAYS}, got "${f.days}"`);
  return days;
}

export function newCa(f: KeyFlags, subject: string, now: Date) {
  validateKeyFlags(f, subject);
  const keys = generateKeyPair(keySpec(f));
  return selfSignedCa(keys, subject, now, caDays(f), randomSerial());
}

/** Maps the pure layer's typed errors to one-line CLI errors. */
export function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RotationError || err instanceof ToolkitError || err instanceof InspectError || err instanceof DnError) throw new CliError(err.message);
    throw err;
  }
}

/** A toolkit working directory (or a mounted private Secret): config.json and the keystore it names. */
export async function readToolkitDir(dir: string): Promise<{ configText: string; config: ToolkitConfig; keystore: Buffer; keystorePath: string }> {
  const read = async <T>(path: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw new CliError(`cannot read ${path}: ${ioReason(err)}`);
    }
  };
  const cfgPath = join(dir, TOOLKIT_CONFIG_FILE);
  const configText = await read(cfgPath, () => readFile(cfgPath, 'utf8'));
  const config = guard(() => parseToolkitConfig(configText));
  const keystorePath = join(dir, config.keyStore);
  const keystore = await read(keystorePath, () => readFile(keystorePath));
  return { configText, config, keystore, keystorePath };
}

export async function readSecret(value: { file?: string; env?: string }, what: string): Promise<string | undefined> {
  try {
    return await readPassword({ passwordFile: value.file, passwordEnv: value.env });
  } catch (err) {
    if (err instanceof CliError) throw new CliError(`${what}: ${err.message}`);
    throw err;
  }
}

export function validateKeyFlags(f: KeyFlags, subject: string | undefined): void {
  if (subject !== undefined) {
    try {
      parseDn(subject);
    } catch (err) {
      if (err instanceof DnError) throw new CliError(`--subject: ${err.message}`);
      throw err;
    }
  }
  keySpec(f);
  caDays(f);
}
