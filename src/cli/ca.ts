// `nifi-ca-guard ca init|rotate|prune|inspect|restore`: a pinned CA for nifi-ca, and its trust bundle.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_CA_DAYS, DEFAULT_CA_SUBJECT, generateKeyPair, randomSerial, selfSignedCa, type KeySpec } from '../ca/generate.js';
import { DnError, parseDn } from '../ca/dn.js';
import { adoptSecrets, initSecrets, pruneSecrets, readBundle, readPrivateSecret, rotateSecrets } from '../ca/pin.js';
import { RotationError } from '../ca/rotate.js';
import { DEFAULT_PRIVATE_SECRET, DEFAULT_TRUST_SECRET, secretData, secretKeys, type SecretManifest } from '../ca/secrets.js';
import { parseToolkitConfig, TOOLKIT_CONFIG_FILE, ToolkitError, type ToolkitKeystoreType } from '../ca/toolkit.js';
import { writeFileAtomic } from '../trust/atomic-write.js';
import { certInfo } from '../trust/cert.js';
import { InspectError, inspectBytes, type InspectedEntry } from '../trust/inspect.js';
import { CliError } from './errors.js';
import { ioReason, readPassword } from './password.js';
import { DirStore, isSecret, kubeStore, type SecretStore } from './secret-store.js';

const out = (l: string): void => void process.stdout.write(`${l}\n`);
const warn = (l: string): void => void process.stderr.write(`nifi-ca-guard: warning: ${l}\n`);

interface Target {
  dir?: string;
  apply?: boolean;
  namespace: string;
  privateSecret: string;
  trustSecret: string;
}

interface KeyFlags {
  subject?: string;
  keyType: 'rsa' | 'ecdsa';
  keySize: string;
  curve: 'P-256' | 'P-384';
  days: string;
}

function targetOptions(cmd: Command): Command {
  return cmd
    .option('--dir <dir>', 'directory of Secret manifests (<name>.yaml)')
    .option('--apply', 'read and write the Secrets in the cluster (current kubeconfig context)')
    .option('-n, --namespace <ns>', 'namespace of the Secrets', 'default')
    .option('--private-secret <name>', 'Secret holding the CA keystore and config.json', DEFAULT_PRIVATE_SECRET)
    .option('--trust-secret <name>', 'Secret holding the public trust bundle (ca.crt)', DEFAULT_TRUST_SECRET);
}

function keyOptions(cmd: Command, subjectDefault: string): Command {
  return cmd
    .option('--subject <dn>', `CA subject (default: ${subjectDefault})`)
    .addOption(new Option('--key-type <type>', 'CA key algorithm').choices(['rsa', 'ecdsa']).default('rsa'))
    .option('--key-size <bits>', 'RSA key size', '2048')
    .addOption(new Option('--curve <curve>', 'ECDSA curve').choices(['P-256', 'P-384']).default('P-256'))
    .option('--days <days>', 'CA lifetime in days', String(DEFAULT_CA_DAYS));
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`${flag} must be a positive integer, got "${value}"`);
  return n;
}

function keySpec(f: KeyFlags): KeySpec {
  const bits = positiveInt(f.keySize, '--key-size');
  if (f.keyType === 'rsa' && bits < 2048) throw new CliError('--key-size must be at least 2048');
  return f.keyType === 'rsa' ? { algorithm: 'rsa', rsaBits: bits } : { algorithm: 'ecdsa', curve: f.curve };
}

function newCa(f: KeyFlags, subject: string, now: Date) {
  try {
    parseDn(subject);
  } catch (err) {
    if (err instanceof DnError) throw new CliError(`--subject: ${err.message}`);
    throw err;
  }
  const days = positiveInt(f.days, '--days');
  const keys = generateKeyPair(keySpec(f));
  return selfSignedCa(keys, subject, now, days, randomSerial());
}

async function storeFor(t: Target): Promise<SecretStore> {
  if (t.dir && t.apply) throw new CliError('give --dir or --apply, not both');
  if (t.dir) return new DirStore(t.dir);
  if (t.apply) return kubeStore(t.namespace);
  throw new CliError('give --dir DIR (manifest files) or --apply (the cluster)');
}

/** Maps the pure layer's typed errors to one-line CLI errors. */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RotationError || err instanceof ToolkitError || err instanceof InspectError) throw new CliError(err.message);
    throw err;
  }
}

async function readSecret(value: { file?: string; env?: string }, what: string): Promise<string | undefined> {
  try {
    return await readPassword({ passwordFile: value.file, passwordEnv: value.env });
  } catch (err) {
    if (err instanceof CliError) throw new CliError(`${what}: ${err.message}`);
    throw err;
  }
}

// ---- init ----

interface InitFlags extends Target, KeyFlags {
  keystoreType: ToolkitKeystoreType;
  tokenFile?: string;
  tokenEnv?: string;
  passwordFile?: string;
  passwordEnv?: string;
  caHostname: string;
  port: string;
  leafDays: string;
  force?: boolean;
}

function validateKeyFlags(f: KeyFlags, subject: string | undefined): void {
  if (subject !== undefined) {
    try {
      parseDn(subject);
    } catch (err) {
      if (err instanceof DnError) throw new CliError(`--subject: ${err.message}`);
      throw err;
    }
  }
  keySpec(f);
  positiveInt(f.days, '--days');
}

async function init(f: InitFlags): Promise<void> {
  // Every flag is checked before anything is created.
  validateKeyFlags(f, f.subject);
  const port = positiveInt(f.port, '--port');
  const leafDays = positiveInt(f.leafDays, '--leaf-days');
  const store = await storeFor(f);
  if (f.dir) await mkdir(f.dir, { recursive: true }).catch((err: unknown) => {
    throw new CliError(`cannot create ${f.dir}: ${ioReason(err)}`);
  });
  if (!f.force) {
    for (const name of [f.privateSecret, f.trustSecret]) {
      if (await store.get(name)) throw new CliError(`Secret ${name} already exists in ${store.where}; use ca rotate, or --force to replace the CA`);
    }
  }
  let token = await readSecret({ file: f.tokenFile, env: f.tokenEnv }, 'token');
  if (!token) {
    token = randomBytes(24).toString('base64url');
    warn('no --token-file/--token-env: generated a random token (in config.json); NiFi pods enrolling with nifi-ca must use the same token');
  }
  if (token.length < 16) throw new CliError('the toolkit token must be at least 16 characters');
  const password = (await readPassword(f)) ?? randomBytes(24).toString('base64url');
  const now = new Date();
  const ca = newCa(f, f.subject ?? DEFAULT_CA_SUBJECT, now);
  const secrets = guard(() =>
    initSecrets({
      namespace: f.dir ? f.namespace : undefined,
      privateName: f.privateSecret,
      trustName: f.trustSecret,
      caCert: ca.cert,
      privateKey: ca.privateKey,
      keystoreType: f.keystoreType,
      password,
      token: token!,
      caHostname: f.caHostname,
      port,
      leafDays,
      now,
      salt: randomBytes(20),
    }),
  );
  // Trust first: a bundle that already holds the CA never hurts; a CA that nobody trusts yet does.
  await store.put(secrets.trust, { private: false });
  await store.put(secrets.private, { private: true });
  const info = inspectBytes(secretData(secrets.trust, 'ca.crt')!).entries[0]!.cert;
  out(`CA ${info.subject} serial ${info.serial} SHA-256 ${info.sha256}`);
  out(`wrote Secret ${f.trustSecret} (ca.crt) and Secret ${f.privateSecret} (${secretKeys(secrets.private).join(', ')}) to ${store.where}`);
}

// ---- rotate / prune ----

async function loadPair(store: SecretStore, t: Target): Promise<{ priv: SecretManifest; trust: SecretManifest }> {
  const priv = await store.get(t.privateSecret);
  if (!priv) throw new CliError(`Secret ${t.privateSecret} not found in ${store.where}; run ca init first`);
  const trust = await store.get(t.trustSecret);
  if (!trust) throw new CliError(`Secret ${t.trustSecret} not found in ${store.where}; run ca init first`);
  return { priv, trust };
}

async function rotate(f: Target & KeyFlags): Promise<void> {
  validateKeyFlags(f, f.subject);
  const store = await storeFor(f);
  const { priv, trust } = await loadPair(store, f);
  const current = guard(() => readPrivateSecret(priv));
  const now = new Date();
  const ca = newCa(f, f.subject ?? current.config.dn, now);
  const next = guard(() => rotateSecrets({ oldPrivate: priv, oldTrust: trust, caCert: ca.cert, privateKey: ca.privateKey, now, salt: randomBytes(20) }));
  if (next.restoredCurrent) warn(`the bundle lacked the current CA (SHA-256 ${certInfo(current.caCert).sha256}); it is back in, with the new one`);
  await store.put(next.trust, { private: false });
  await store.put(next.private, { private: true });
  const info = certInfo(ca.cert);
  out(`new CA ${info.subject} serial ${info.serial} SHA-256 ${info.sha256}`);
  out(`bundle ${f.trustSecret} now holds ${next.bundleSize} certificate(s); restart NiFi pods to pick it up before nifi-ca restarts with the new CA`);
}

async function prune(f: Target): Promise<void> {
  const store = await storeFor(f);
  const { priv, trust } = await loadPair(store, f);
  const r = guard(() => pruneSecrets(priv, trust, new Date()));
  if (r.dropped.length === 0) {
    out(`nothing to prune: ${r.kept.length} certificate(s) in ${f.trustSecret}, none expired`);
    return;
  }
  await store.put(r.trust, { private: false });
  for (const d of r.dropped) out(`dropped ${d.subject} serial ${d.serial} SHA-256 ${d.sha256} (expired ${d.notAfter.toISOString()})`);
  out(`bundle ${f.trustSecret} now holds ${r.kept.length} certificate(s)`);
}

// ---- adopt ----

async function adopt(f: Target & { from: string; force?: boolean }): Promise<void> {
  const store = await storeFor(f);
  const cfgPath = join(f.from, TOOLKIT_CONFIG_FILE);
  let configText: string;
  try {
    configText = await readFile(cfgPath, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${cfgPath}: ${ioReason(err)}`);
  }
  const cfg = guard(() => parseToolkitConfig(configText));
  const ksPath = join(f.from, cfg.keyStore);
  let keystore: Buffer;
  try {
    keystore = await readFile(ksPath);
  } catch (err) {
    throw new CliError(`cannot read ${ksPath}: ${ioReason(err)}`);
  }
  if (f.dir) await mkdir(f.dir, { recursive: true }).catch((err: unknown) => {
    throw new CliError(`cannot create ${f.dir}: ${ioReason(err)}`);
  });
  if (!f.force && (await store.get(f.privateSecret))) {
    throw new CliError(`Secret ${f.privateSecret} already exists in ${store.where}; use --force to replace it`);
  }
  const existingTrust = await store.get(f.trustSecret);
  const secrets = guard(() =>
    adoptSecrets({
      namespace: f.dir ? f.namespace : undefined,
      privateName: f.privateSecret,
      trustName: f.trustSecret,
      configText,
      keystore,
      bundleText: existingTrust ? readBundle(existingTrust) : undefined,
      now: new Date(),
    }),
  );
  await store.put(secrets.trust, { private: false });
  await store.put(secrets.private, { private: true });
  const info = certInfo(secrets.caCert);
  out(`pinned CA ${info.subject} serial ${info.serial} SHA-256 ${info.sha256}`);
  out(`wrote Secret ${f.trustSecret} (ca.crt) and Secret ${f.privateSecret} (${secretKeys(secrets.private).join(', ')}) to ${store.where}`);
}

// ---- inspect ----

interface InspectFlags {
  secret?: string;
  namespace: string;
  passwordFile?: string;
  passwordEnv?: string;
  json?: boolean;
}

interface Row {
  source: string;
  alias: string;
  kind: string;
  subject: string;
  issuer: string;
  serial: string;
  sha256: string;
  md5: string;
  notBefore: string;
  notAfter: string;
  ca: boolean;
  expired: boolean;
}

function rows(source: string, entries: InspectedEntry[], now: Date): Row[] {
  return entries.map((e) => ({
    source,
    alias: e.alias,
    kind: e.kind,
    subject: e.cert.subject,
    issuer: e.cert.issuer,
    serial: e.cert.serial,
    sha256: e.cert.sha256,
    md5: e.cert.md5,
    notBefore: e.cert.notBefore.toISOString(),
    notAfter: e.cert.notAfter.toISOString(),
    ca: e.cert.isCA,
    expired: e.cert.notAfter.getTime() <= now.getTime(),
  }));
}

function inspectSecretObject(secret: SecretManifest, source: string, password: string | undefined, now: Date): { rows: Row[]; warnings: string[] } {
  const all: Row[] = [];
  const warnings: string[] = [];
  // A private Secret carries the keystore password in its config.json.
  const cfgBytes = secretData(secret, TOOLKIT_CONFIG_FILE);
  let ksPassword = password;
  if (cfgBytes && ksPassword === undefined) {
    try {
      ksPassword = parseToolkitConfig(cfgBytes.toString('utf8')).keyStorePassword;
    } catch (err) {
      warnings.push(`${source}/${TOOLKIT_CONFIG_FILE}: ${err instanceof Error ? err.message : 'unreadable'}`);
    }
  }
  for (const key of secretKeys(secret)) {
    if (key === TOOLKIT_CONFIG_FILE) continue;
    const bytes = secretData(secret, key)!;
    try {
      const r = inspectBytes(bytes, ksPassword);
      all.push(...rows(`${source}/${key}`, r.entries, now));
      warnings.push(...r.warnings.map((w) => `${source}/${key}: ${w}`));
    } catch (err) {
      warnings.push(`${source}/${key}: ${err instanceof Error ? err.message : 'unreadable'}`);
    }
  }
  return { rows: all, warnings };
}

async function inspect(file: string | undefined, f: InspectFlags): Promise<void> {
  const password = await readPassword(f);
  const now = new Date();
  let result: { rows: Row[]; warnings: string[] };
  if (f.secret) {
    if (file) throw new CliError('give a FILE or --secret NAME, not both');
    const store = await kubeStore(f.namespace);
    const s = await store.get(f.secret);
    if (!s) throw new CliError(`Secret ${f.namespace}/${f.secret} not found`);
    result = inspectSecretObject(s, `secret/${f.secret}`, password, now);
  } else {
    if (!file) throw new CliError('give a FILE (bundle, keystore or Secret manifest) or --secret NAME');
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (err) {
      throw new CliError(`cannot read ${file}: ${ioReason(err)}`);
    }
    const secrets = manifestSecrets(bytes);
    if (secrets.length) {
      result = { rows: [], warnings: [] };
      for (const s of secrets) {
        const r = inspectSecretObject(s, `secret/${s.metadata.name}`, password, now);
        result.rows.push(...r.rows);
        result.warnings.push(...r.warnings);
      }
    } else {
      const r = guard(() => inspectBytes(bytes, password));
      result = { rows: rows(file, r.entries, now), warnings: r.warnings };
    }
  }
  for (const w of result.warnings) warn(w);
  if (f.json) {
    out(JSON.stringify(result.rows, null, 2));
    return;
  }
  if (result.rows.length === 0) throw new CliError('no certificate found');
  for (const r of result.rows) {
    out(`${r.source}${r.alias ? ` alias ${r.alias}` : ''} (${r.kind}${r.ca ? ', CA' : ''})`);
    out(`  subject:   ${r.subject}`);
    out(`  issuer:    ${r.issuer}`);
    out(`  serial:    ${r.serial}`);
    out(`  SHA-256:   ${r.sha256}`);
    out(`  MD5:       ${r.md5}`);
    out(`  notAfter:  ${r.notAfter}${r.expired ? ' EXPIRED' : ''}`);
  }
}

/** Secret manifests in a YAML file (one or more documents, or a List); none for other files. */
function manifestSecrets(bytes: Buffer): SecretManifest[] {
  const text = bytes.toString('utf8');
  if (!/^\s*kind:\s*(Secret|List)\b/m.test(text)) return [];
  const found: SecretManifest[] = [];
  try {
    for (const doc of parseAllDocuments(text)) {
      const v = doc.toJS() as unknown;
      if (isSecret(v)) found.push(v);
      const items = (v as { kind?: string; items?: unknown[] } | null)?.kind === 'List' ? (v as { items: unknown[] }).items : [];
      for (const i of items ?? []) if (isSecret(i)) found.push(i);
    }
  } catch {
    return [];
  }
  return found;
}

// ---- restore ----

async function restore(f: { from: string; to: string }): Promise<void> {
  const cfgPath = join(f.from, TOOLKIT_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(cfgPath, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${cfgPath}: ${ioReason(err)}`);
  }
  const cfg = guard(() => parseToolkitConfig(text));
  const ksFrom = join(f.from, cfg.keyStore);
  let ks: Buffer;
  try {
    ks = await readFile(ksFrom);
  } catch (err) {
    throw new CliError(`cannot read ${ksFrom}: ${ioReason(err)}`);
  }
  const key = guard(() => inspectBytes(ks, cfg.keyStorePassword)).entries.find((e) => e.kind === 'key');
  if (!key) throw new CliError(`${ksFrom} holds no CA key entry`);
  try {
    await writeFileAtomic(join(f.to, cfg.keyStore), ks, 0o600);
    await writeFileAtomic(join(f.to, TOOLKIT_CONFIG_FILE), text, 0o600);
  } catch (err) {
    throw new CliError(`cannot write to ${f.to}: ${ioReason(err)}`);
  }
  out(`restored ${cfg.keyStore} and ${TOOLKIT_CONFIG_FILE} to ${f.to}: CA ${key.cert.subject} SHA-256 ${key.cert.sha256}`);
}


export function registerCa(program: Command): void {
  const ca = program.command('ca').description('pin the nifi-ca certificate authority and manage its trust bundle');

  const initCmd = ca.command('init').description('generate a CA; write its private Secret (toolkit keystore + config.json) and the trust bundle Secret');
  targetOptions(initCmd);
  keyOptions(initCmd, DEFAULT_CA_SUBJECT)
    .addOption(new Option('--keystore-type <type>', 'toolkit keystore type').choices(['jks', 'pkcs12']).default('jks'))
    .option('--token-file <file>', 'file holding the toolkit token NiFi pods enrol with (>= 16 characters)')
    .option('--token-env <name>', 'environment variable holding the toolkit token')
    .option('--password-file <file>', 'file holding the keystore password (default: random)')
    .option('--password-env <name>', 'environment variable holding the keystore password')
    .option('--ca-hostname <host>', 'caHostname in config.json', 'nifi-ca')
    .option('--port <port>', 'toolkit server port in config.json', '9090')
    .option('--leaf-days <days>', 'lifetime of node certificates the toolkit issues', '825')
    .option('--force', 'replace existing Secrets (a new CA: NiFi pods will not trust it until they restart)')
    .action(async (flags: InitFlags) => init(flags));

  const adoptCmd = ca
    .command('adopt')
    .description("pin the CA a running nifi-ca already has: its working directory's config.json and keystore become the private Secret");
  targetOptions(adoptCmd)
    .requiredOption('--from <dir>', "copy of nifi-ca's working directory (config.json and the keystore it names)")
    .option('--force', 'replace an existing private Secret')
    .action(async (flags: Target & { from: string; force?: boolean }) => adopt(flags));

  const rotateCmd = ca.command('rotate').description('new CA into the private Secret; appended to the bundle, the old CA kept until it expires');
  targetOptions(rotateCmd);
  keyOptions(rotateCmd, 'the current CA subject').action(async (flags: Target & KeyFlags) => rotate(flags));

  const pruneCmd = ca.command('prune').description('drop expired CA certificates from the trust bundle (never the active CA)');
  targetOptions(pruneCmd).action(async (flags: Target) => prune(flags));

  ca.command('inspect')
    .description('subject, serial, SHA-256/MD5 fingerprints and expiry of each certificate in a bundle, keystore, Secret manifest or live Secret')
    .argument('[file]', 'PEM bundle, JKS or PKCS12 store, or Secret manifest (YAML)')
    .option('--secret <name>', 'inspect a live Secret instead of a file')
    .option('-n, --namespace <ns>', 'namespace of --secret', 'default')
    .option('--password-file <file>', 'store password (Secret manifests with config.json need none)')
    .option('--password-env <name>', 'environment variable holding the store password')
    .option('--json', 'machine-readable output')
    .action(async (file: string | undefined, flags: InspectFlags) => inspect(file, flags));

  ca.command('restore')
    .description("copy the pinned keystore and config.json into the toolkit's working directory (nifi-ca init container)")
    .requiredOption('--from <dir>', 'mounted private Secret')
    .requiredOption('--to <dir>', "the toolkit's (writable) working directory")
    .action(async (flags: { from: string; to: string }) => restore(flags));
}
