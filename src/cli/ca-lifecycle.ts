// `ca init`, `ca adopt`, `ca rotate`, `ca prune`: the two Secrets of a pinned CA, read and written
// through a SecretStore (manifest directory or cluster). The decisions are in src/ca/pin.ts.
import { randomBytes } from 'node:crypto';
import { DEFAULT_CA_SUBJECT } from '../ca/generate.js';
import { adoptSecrets, initSecrets, pruneSecrets, readPrivateSecret, rotateSecrets } from '../ca/pin.js';
import { secretData, secretKeys, type SecretManifest } from '../ca/secrets.js';
import type { ToolkitKeystoreType } from '../ca/toolkit.js';
import { certInfo } from '../trust/cert.js';
import { inspectBytes } from '../trust/inspect.js';
import { guard, newCa, out, positiveInt, readSecret, readToolkitDir, storeFor, validateKeyFlags, warn, type KeyFlags, type Target } from './ca-common.js';
import { makeDirectory } from './make-dir.js';
import { CliError } from './errors.js';
import { readPassword } from './password.js';
import type { SecretStore } from './secret-store.js';

export interface InitFlags extends Target, KeyFlags {
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

export async function init(f: InitFlags): Promise<void> {
  // Every flag is checked before anything is created.
  validateKeyFlags(f, f.subject);
  const port = positiveInt(f.port, '--port');
  const leafDays = positiveInt(f.leafDays, '--leaf-days');
  const store = await storeFor(f);
  if (f.dir) await makeDirectory(f.dir, '--dir');
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

export async function rotate(f: Target & KeyFlags): Promise<void> {
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

export async function prune(f: Target): Promise<void> {
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

export async function adopt(f: Target & { from: string; force?: boolean }): Promise<void> {
  const store = await storeFor(f);
  const { configText, keystore } = await readToolkitDir(f.from);
  if (f.dir) await makeDirectory(f.dir, '--dir');
  const existingPrivate = await store.get(f.privateSecret);
  if (existingPrivate && !f.force) {
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
      existingTrust,
      existingPrivate,
      now: new Date(),
    }),
  );
  await store.put(secrets.trust, { private: false });
  await store.put(secrets.private, { private: true });
  const info = certInfo(secrets.caCert);
  out(`pinned CA ${info.subject} serial ${info.serial} SHA-256 ${info.sha256}`);
  out(`wrote Secret ${f.trustSecret} (ca.crt) and Secret ${f.privateSecret} (${secretKeys(secrets.private).join(', ')}) to ${store.where}`);
}
