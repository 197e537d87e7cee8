// `ca init`, `ca adopt`, `ca rotate`, `ca prune`: the two Secrets of a pinned CA, read and written
// through a SecretStore (manifest directory or cluster) by the protocol in ca-pair.ts. The decisions
// are in src/ca/pin.ts.
import { randomBytes } from 'node:crypto';
import { DEFAULT_CA_SUBJECT } from '../ca/generate.js';
import { adoptSecrets, initSecrets, pinsFiles, pruneSecrets, readPrivateSecret, rotateSecrets } from '../ca/pin.js';
import { secretKeys, secretManifest, BUNDLE_KEY, type SecretManifest } from '../ca/secrets.js';
import { rotatedSubject } from '../ca/subject.js';
import type { ToolkitKeystoreType } from '../ca/toolkit.js';
import { bundleCerts, trustOnly, trustWith } from '../ca/trust-secret.js';
import { certInfo } from '../trust/cert.js';
import { guard, newCa, out, positiveInt, readSecret, readToolkitDir, validateKeyFlags, warn, type KeyFlags, type Target } from './ca-common.js';
import { namespaceFor, readPair, switchCa, withStore, write, type Pair } from './ca-pair.js';
import { CliError } from './errors.js';
import { readPassword } from './password.js';
import { WriteConflict, type SecretStore } from './secret-store.js';

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
  // Every flag is checked before anything is read or created.
  validateKeyFlags(f, f.subject);
  const port = positiveInt(f.port, '--port');
  const leafDays = positiveInt(f.leafDays, '--leaf-days');
  await withStore(f, { create: true }, async (store) => {
    const read = await readPair(store, f);
    const namespace = namespaceFor(f, store, read);
    if (read.priv && !f.force) throw new CliError(`Secret ${f.privateSecret} already exists in ${store.where}; use ca rotate, or --force to replace the CA`);
    if (read.trust && !read.priv) {
      warn(`${store.label(f.trustSecret)} exists without ${f.privateSecret} (an interrupted ca init or adopt, or a bundle made by hand): the new CA is added to it`);
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
        namespace: f.dir ? namespace : undefined,
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
        existingTrust: read.trust?.secret,
        existingPrivate: read.priv?.secret,
      }),
    );
    const done = await switchCa(store, { command: 'ca init', read, trust: secrets.trust, priv: secrets.private, ca: ca.cert, addedToBundle: secrets.addedToBundle, now });
    // --force replaces the CA: the bundle shrinks to the new one, only now that the private Secret holds it.
    if (f.force && read.priv && read.trust) {
      try {
        await store.replace(trustOnly(done.trust.secret, ca.cert, now), done.trust.version, { private: false });
      } catch (err) {
        if (!(err instanceof WriteConflict)) throw err;
        warn(`${err.message}: it keeps the previous CAs besides the new one (harmless; ca prune drops them once expired)`);
      }
    }
    const info = certInfo(ca.cert);
    out(`CA ${info.subject} serial ${info.serial} SHA-256 ${info.sha256}`);
    out(`wrote Secret ${f.trustSecret} (ca.crt) and Secret ${f.privateSecret} (${secretKeys(secrets.private).join(', ')}) to ${store.where}`);
  });
}

// ---- rotate / prune ----

/** The private Secret must exist; a missing bundle is re-created (holding the active CA) rather than refused. */
function requirePrivate(store: SecretStore, t: Target, read: Pair): NonNullable<Pair['priv']> {
  if (!read.priv) throw new CliError(`Secret ${t.privateSecret} not found in ${store.where}; run ca init first`);
  return read.priv;
}

function emptyBundle(t: Target, namespace: string | undefined): SecretManifest {
  return secretManifest(t.trustSecret, namespace, { [BUNDLE_KEY]: '' }, {});
}

export async function rotate(f: Target & KeyFlags): Promise<void> {
  validateKeyFlags(f, f.subject);
  await withStore(f, {}, async (store) => {
    const read = await readPair(store, f);
    const namespace = namespaceFor(f, store, read);
    const priv = requirePrivate(store, f, read);
    const current = guard(() => readPrivateSecret(priv.secret));
    if (!read.trust) warn(`${store.label(f.trustSecret)} not found: creating it with the current CA and the new one`);
    const trust = read.trust?.secret ?? emptyBundle(f, f.dir ? namespace : undefined);
    const currentSubject = certInfo(current.caCert).subject;
    const subject =
      f.subject ??
      guard(() => {
        try {
          return rotatedSubject(currentSubject, bundleCerts(trust).map((c) => c.subject));
        } catch (err) {
          throw new CliError(`the current CA's subject (${currentSubject}) cannot be carried over (${err instanceof Error ? err.message : 'unreadable'}); give --subject`);
        }
      });
    const now = new Date();
    const ca = newCa(f, subject, now);
    const next = guard(() => rotateSecrets({ oldPrivate: priv.secret, oldTrust: trust, caCert: ca.cert, privateKey: ca.privateKey, now, salt: randomBytes(20) }));
    if (next.restoredCurrent && read.trust) warn(`the bundle lacked the current CA (SHA-256 ${certInfo(current.caCert).sha256}); it is back in, with the new one`);
    await switchCa(store, { command: 'ca rotate', read, trust: next.trust, priv: next.private, ca: ca.cert, addedToBundle: next.addedToBundle, now });
    const info = certInfo(ca.cert);
    out(`new CA ${info.subject} serial ${info.serial} SHA-256 ${info.sha256}`);
    out(`bundle ${f.trustSecret} now holds ${next.bundleSize} certificate(s); restart NiFi pods to pick it up before nifi-ca restarts with the new CA`);
  });
}

export async function prune(f: Target): Promise<void> {
  await withStore(f, {}, async (store) => {
    const read = await readPair(store, f);
    const namespace = namespaceFor(f, store, read);
    const priv = requirePrivate(store, f, read);
    const trust = read.trust?.secret ?? emptyBundle(f, f.dir ? namespace : undefined);
    const r = guard(() => pruneSecrets(priv.secret, trust, new Date()));
    if (!r.changed) {
      out(`nothing to prune: ${r.kept.length} certificate(s) in ${f.trustSecret}, none expired`);
      return;
    }
    try {
      await write(store, r.trust, read.trust, false);
    } catch (err) {
      if (err instanceof WriteConflict) throw new CliError(`${err.message}; nothing was changed: re-run ca prune`);
      throw err;
    }
    if (r.restoredActive) warn(`${read.trust ? 'the bundle lacked' : 'there was no bundle holding'} the active CA (SHA-256 ${certInfo(readPrivateSecret(priv.secret).caCert).sha256}); it is back in`);
    for (const d of r.dropped) out(`dropped ${d.subject} serial ${d.serial} SHA-256 ${d.sha256} (expired ${d.notAfter.toISOString()})`);
    out(`bundle ${f.trustSecret} now holds ${r.kept.length} certificate(s)`);
  });
}

// ---- adopt ----

export async function adopt(f: Target & { from: string; force?: boolean }): Promise<void> {
  const { configText, keystore } = await readToolkitDir(f.from);
  await withStore(f, { create: true }, async (store) => {
    const read = await readPair(store, f);
    const namespace = namespaceFor(f, store, read);
    const now = new Date();
    if (read.priv && guard(() => pinsFiles(read.priv!.secret, configText, keystore))) {
      // A re-run (the first one interrupted after its switch, or simply twice): only the bundle may need the CA.
      await alreadyPinned(store, f, read, now);
      return;
    }
    if (read.priv && !f.force) throw new CliError(`Secret ${f.privateSecret} already exists in ${store.where}; use --force to replace it`);
    const secrets = guard(() =>
      adoptSecrets({
        namespace: f.dir ? namespace : undefined,
        privateName: f.privateSecret,
        trustName: f.trustSecret,
        configText,
        keystore,
        existingTrust: read.trust?.secret,
        existingPrivate: read.priv?.secret,
        now,
      }),
    );
    await switchCa(store, { command: 'ca adopt', read, trust: secrets.trust, priv: secrets.private, ca: secrets.caCert, addedToBundle: secrets.addedToBundle, now });
    const info = certInfo(secrets.caCert);
    out(`pinned CA ${info.subject} serial ${info.serial} SHA-256 ${info.sha256}`);
    out(`wrote Secret ${f.trustSecret} (ca.crt) and Secret ${f.privateSecret} (${secretKeys(secrets.private).join(', ')}) to ${store.where}`);
  });
}

async function alreadyPinned(store: SecretStore, f: Target, read: Pair, now: Date): Promise<void> {
  const { caCert } = guard(() => readPrivateSecret(read.priv!.secret));
  const info = certInfo(caCert);
  const trust = read.trust?.secret ?? emptyBundle(f, f.dir ? namespaceFor(f, store, read) : undefined);
  const r = guard(() => trustWith(trust, caCert, now));
  if (r.added) {
    try {
      await write(store, r.trust, read.trust, false);
    } catch (err) {
      if (err instanceof WriteConflict) throw new CliError(`${err.message}; nothing was changed: re-run ca adopt`);
      throw err;
    }
    warn(`the bundle lacked the pinned CA; it is back in`);
  }
  out(`already pinned: CA ${info.subject} serial ${info.serial} SHA-256 ${info.sha256} in ${store.where}`);
}
