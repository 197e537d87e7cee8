// The two Secrets of a pinned CA, computed from their inputs: `ca init`, `ca rotate`, `ca prune`.
import type { KeyObject } from 'node:crypto';
import { certInfo } from '../trust/cert.js';
import { inspectBytes } from '../trust/inspect.js';
import { encodeCertBundle } from '../trust/pem.js';
import { appendToBundle, pruneBundle, RotationError } from './rotate.js';
import { ANN_CA_SHA256, ANN_ROTATED_AT, BUNDLE_KEY, secretData, secretManifest, type SecretManifest } from './secrets.js';
import {
  parseToolkitConfig,
  renderConfig,
  TOOLKIT_CONFIG_FILE,
  toolkitConfig,
  toolkitKeystore,
  type ToolkitConfig,
  type ToolkitInputs,
} from './toolkit.js';

export interface SecretNames {
  namespace?: string;
  privateName: string;
  trustName: string;
}

export interface InitInputs extends SecretNames, ToolkitInputs {}

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

function trustSecret(names: SecretNames, bundleText: string): SecretManifest {
  return secretManifest(names.trustName, names.namespace, { [BUNDLE_KEY]: bundleText }, {});
}

export function initSecrets(inp: InitInputs): PinnedSecrets {
  const cfg = toolkitConfig(inp);
  const keystore = toolkitKeystore(inp);
  return {
    private: privateSecret(inp, cfg, keystore, inp.caCert, inp.now),
    trust: trustSecret(inp, encodeCertBundle([inp.caCert])),
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

export function readBundle(secret: SecretManifest): string {
  const b = secretData(secret, BUNDLE_KEY);
  if (!b) throw new RotationError(`Secret ${secret.metadata.name} has no ${BUNDLE_KEY}`);
  return b.toString('utf8');
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
export function rotateSecrets(inp: RotateInputs): PinnedSecrets & { bundleSize: number; restoredCurrent: boolean } {
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
  const withCurrent = appendToBundle(readBundle(inp.oldTrust), current);
  const bundle = appendToBundle(withCurrent.text, inp.caCert);
  const trust = trustSecret(names, bundle.text);
  return {
    private: keepMeta(inp.oldPrivate, privateSecret(names, cfg, keystore, inp.caCert, inp.now)),
    trust: keepMeta(inp.oldTrust, trust),
    bundleSize: bundle.certs.length,
    restoredCurrent: withCurrent.added,
  };
}

/** The next Secret under the old one's identity, labels and annotations (ours win); server-set fields dropped. */
function keepMeta(old: SecretManifest, next: SecretManifest): SecretManifest {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: old.metadata.name,
      ...(old.metadata.namespace ? { namespace: old.metadata.namespace } : {}),
      labels: { ...(old.metadata.labels ?? {}), ...next.metadata.labels },
      annotations: { ...(old.metadata.annotations ?? {}), ...next.metadata.annotations },
    },
    type: 'Opaque',
    data: next.data,
  };
}

/** Expired CAs out of the bundle; the active CA (in the private Secret) always stays. */
export function pruneSecrets(privateSecret: SecretManifest, trust: SecretManifest, now: Date) {
  const { caCert } = readPrivateSecret(privateSecret);
  const r = pruneBundle(readBundle(trust), now, [certInfo(caCert).sha256]);
  const next = secretManifest(trust.metadata.name, trust.metadata.namespace, { [BUNDLE_KEY]: r.text }, {});
  return { trust: keepMeta(trust, next), dropped: r.dropped, kept: r.kept };
}

export interface AdoptInputs extends SecretNames {
  /** config.json and the keystore it names, as the running toolkit wrote them. */
  configText: string;
  keystore: Buffer;
  /** The trust Secret, when it exists: the CA is appended to its bundle, its labels and annotations kept. */
  existingTrust?: SecretManifest;
  /** The private Secret being replaced (--force), when it exists: its labels and annotations are kept. */
  existingPrivate?: SecretManifest;
  now: Date;
}

/**
 * Pins the CA a running nifi-ca already has (its working directory copied out): the private Secret
 * holds its files unchanged, and the bundle gains its certificate, so no node loses trust.
 */
export function adoptSecrets(inp: AdoptInputs): PinnedSecrets & { caCert: Buffer } {
  const config = parseToolkitConfig(inp.configText);
  const probe = secretManifest(inp.privateName, inp.namespace, { [TOOLKIT_CONFIG_FILE]: inp.configText, [config.keyStore]: inp.keystore }, {});
  const { caCert } = readPrivateSecret(probe);
  const info = certInfo(caCert);
  if (!info.isCA) throw new RotationError(`the key entry's certificate (${info.subject}) is not a CA`);
  const bundle = inp.existingTrust === undefined ? encodeCertBundle([caCert]) : appendToBundle(readBundle(inp.existingTrust), caCert).text;
  const priv = secretManifest(
    inp.privateName,
    inp.namespace,
    { [TOOLKIT_CONFIG_FILE]: inp.configText, [config.keyStore]: inp.keystore },
    { [ANN_CA_SHA256]: info.sha256, [ANN_ROTATED_AT]: inp.now.toISOString() },
  );
  const trust = trustSecret(inp, bundle);
  return {
    private: inp.existingPrivate ? keepMeta(inp.existingPrivate, priv) : priv,
    trust: inp.existingTrust ? keepMeta(inp.existingTrust, trust) : trust,
    caCert,
  };
}
