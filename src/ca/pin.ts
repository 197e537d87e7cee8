// The two Secrets of a pinned CA, computed from their inputs: `ca init`, `ca adopt`, `ca rotate`, `ca prune`.
import type { KeyObject } from 'node:crypto';
import { certInfo } from '../trust/cert.js';
import { inspectBytes } from '../trust/inspect.js';
import { appendToBundle, pruneBundle, RotationError } from './rotate.js';
import { ANN_BUNDLE_UPDATED_AT, ANN_CA_SHA256, ANN_NEXT_CA_SHA256, ANN_ROTATED_AT, BUNDLE_KEY, keepMeta, secretData, secretManifest, type SecretManifest } from './secrets.js';
import { grownTrust, readBundle, type SecretNames } from './trust-secret.js';
import {
  parseToolkitConfig,
  renderConfig,
  TOOLKIT_CONFIG_FILE,
  toolkitConfig,
  toolkitKeystore,
  type ToolkitConfig,
  type ToolkitInputs,
} from './toolkit.js';

export interface InitInputs extends SecretNames, ToolkitInputs {
  /** The trust Secret, when it exists (an interrupted init, or a bundle made by hand): the CA is appended. */
  existingTrust?: SecretManifest;
  /** The private Secret being replaced (--force): its metadata and type are kept. */
  existingPrivate?: SecretManifest;
}

export interface PinnedSecrets {
  private: SecretManifest;
  trust: SecretManifest;
}

function privateSecret(names: SecretNames, cfg: ToolkitConfig, keystore: Buffer, caCert: Uint8Array, now: Date): SecretManifest {
  return secretManifest(
    names.privateName,
    names.namespace,
    { [cfg.keyStore]: keystore, [TOOLKIT_CONFIG_FILE]: renderConfig(cfg) },
    { [ANN_CA_SHA256]: certInfo(caCert).sha256, [ANN_ROTATED_AT]: now.toISOString() },
  );
}

export function initSecrets(inp: InitInputs): PinnedSecrets & { addedToBundle: boolean } {
  const cfg = toolkitConfig(inp);
  const keystore = toolkitKeystore(inp);
  const priv = privateSecret(inp, cfg, keystore, inp.caCert, inp.now);
  const grown = grownTrust(inp, inp.existingTrust, [inp.caCert], inp.caCert, inp.now);
  return {
    private: inp.existingPrivate ? keepMeta(inp.existingPrivate, priv) : priv,
    trust: grown.trust,
    addedToBundle: grown.added[0]!,
  };
}

/** What the private Secret holds: toolkit config and the CA certificate inside its keystore. */
export function readPrivateSecret(secret: SecretManifest): { config: ToolkitConfig; caCert: Buffer } {
  const cfgBytes = secretData(secret, TOOLKIT_CONFIG_FILE);
  if (!cfgBytes) throw new RotationError(`Secret ${secret.metadata.name} has no ${TOOLKIT_CONFIG_FILE}`);
  const config = parseToolkitConfig(cfgBytes.toString('utf8'));
  const ks = secretData(secret, config.keyStore);
  if (!ks) throw new RotationError(`Secret ${secret.metadata.name} has no ${config.keyStore}`);
  const entry = inspectBytes(ks, config.keyStorePassword).entries.find((e) => e.kind === 'key');
  if (!entry) throw new RotationError(`${config.keyStore} in Secret ${secret.metadata.name} holds no key entry`);
  return { config, caCert: entry.cert.der };
}

export interface RotateInputs {
  oldPrivate: SecretManifest;
  oldTrust: SecretManifest;
  caCert: Buffer;
  privateKey: KeyObject;
  now: Date;
  salt: Uint8Array;
}

/** New CA in the private Secret (same passwords, token and settings); appended to the bundle. */
export function rotateSecrets(inp: RotateInputs): PinnedSecrets & { bundleSize: number; restoredCurrent: boolean; addedToBundle: boolean } {
  const { config, caCert: current } = readPrivateSecret(inp.oldPrivate);
  const names: SecretNames = {
    privateName: inp.oldPrivate.metadata.name,
    trustName: inp.oldTrust.metadata.name,
    ...(inp.oldPrivate.metadata.namespace ? { namespace: inp.oldPrivate.metadata.namespace } : {}),
  };
  const keystore = toolkitKeystore({
    caCert: inp.caCert,
    privateKey: inp.privateKey,
    keystoreType: config.keyStoreType,
    password: config.keyStorePassword,
    token: config.token,
    caHostname: config.caHostname,
    port: config.port,
    leafDays: config.days,
    now: inp.now,
    salt: inp.salt,
  });
  const cfg: ToolkitConfig = {
    ...config,
    // The new keystore protects its key with the store password (an adopted config may name another).
    keyPassword: config.keyStorePassword,
    dn: certInfo(inp.caCert).subject,
    signingAlgorithm: inp.privateKey.asymmetricKeyType === 'rsa' ? 'SHA256WITHRSA' : 'SHA256WITHECDSA',
  };
  // The CA nifi-ca signs with until now must stay trusted: put it back if the bundle lost it.
  const grown = grownTrust(names, inp.oldTrust, [current, inp.caCert], inp.caCert, inp.now);
  return {
    private: keepMeta(inp.oldPrivate, privateSecret(names, cfg, keystore, inp.caCert, inp.now)),
    trust: grown.trust,
    bundleSize: grown.size,
    restoredCurrent: grown.added[0]!,
    addedToBundle: grown.added[1]!,
  };
}

/**
 * Expired CAs out of the bundle. Never dropped: the active CA (in the private Secret), which is put
 * back if the bundle lost it, and the CA a command in flight is switching to (ANN_NEXT_CA_SHA256).
 */
export function pruneSecrets(privateSecret: SecretManifest, trust: SecretManifest, now: Date) {
  const { caCert } = readPrivateSecret(privateSecret);
  const repaired = appendToBundle(readBundle(trust), caCert);
  const next = trust.metadata.annotations?.[ANN_NEXT_CA_SHA256];
  const r = pruneBundle(repaired.text, now, [certInfo(caCert).sha256, ...(next ? [next] : [])]);
  const fresh = secretManifest(trust.metadata.name, trust.metadata.namespace, { [BUNDLE_KEY]: r.text }, { [ANN_BUNDLE_UPDATED_AT]: now.toISOString() });
  return { trust: keepMeta(trust, fresh), dropped: r.dropped, kept: r.kept, restoredActive: repaired.added, changed: repaired.added || r.dropped.length > 0 };
}

export interface AdoptInputs extends SecretNames {
  /** config.json and the keystore it names, as the running toolkit wrote them. */
  configText: string;
  keystore: Buffer;
  /** The trust Secret, when it exists: the CA is appended to its bundle, its metadata and type kept. */
  existingTrust?: SecretManifest;
  /** The private Secret being replaced (--force), when it exists: its metadata and type are kept. */
  existingPrivate?: SecretManifest;
  now: Date;
}

/**
 * Pins the CA a running nifi-ca already has (its working directory copied out): the private Secret
 * holds its files unchanged, and the bundle gains its certificate, so no node loses trust.
 */
export function adoptSecrets(inp: AdoptInputs): PinnedSecrets & { caCert: Buffer; addedToBundle: boolean } {
  const config = parseToolkitConfig(inp.configText);
  const probe = secretManifest(inp.privateName, inp.namespace, { [TOOLKIT_CONFIG_FILE]: inp.configText, [config.keyStore]: inp.keystore }, {});
  const { caCert } = readPrivateSecret(probe);
  const info = certInfo(caCert);
  if (!info.isCA) throw new RotationError(`the key entry's certificate (${info.subject}) is not a CA`);
  // An expired CA issues certificates nobody accepts; and `ca prune` must never meet an active CA it may drop.
  if (info.notAfter.getTime() <= inp.now.getTime()) {
    throw new RotationError(`the CA ${info.subject} expired on ${info.notAfter.toISOString()}; pin a new one with ca init`);
  }
  const priv = secretManifest(
    inp.privateName,
    inp.namespace,
    { [TOOLKIT_CONFIG_FILE]: inp.configText, [config.keyStore]: inp.keystore },
    { [ANN_CA_SHA256]: info.sha256, [ANN_ROTATED_AT]: inp.now.toISOString() },
  );
  const grown = grownTrust(inp, inp.existingTrust, [caCert], caCert, inp.now);
  return {
    private: inp.existingPrivate ? keepMeta(inp.existingPrivate, priv) : priv,
    trust: grown.trust,
    caCert,
    addedToBundle: grown.added[0]!,
  };
}

/** Whether the private Secret already pins exactly these toolkit files (a re-run of `ca adopt`). */
export function pinsFiles(priv: SecretManifest, configText: string, keystore: Buffer): boolean {
  const config = parseToolkitConfig(configText);
  const cfg = secretData(priv, TOOLKIT_CONFIG_FILE);
  const ks = secretData(priv, config.keyStore);
  return !!cfg && !!ks && cfg.toString('utf8') === configText && ks.equals(keystore);
}

export { readBundle, type SecretNames } from './trust-secret.js';
