// How `ca` commands read and write the pair of Secrets so that they never disagree, whatever runs
// concurrently and wherever a run stops (docs/ca-pinning.md, "Races, interruptions and recovery"):
// - the bundle is read before the private Secret, and every write is conditional on what was read;
// - the private Secret switches to a CA only after a write of the bundle that holds it (and changes
//   the bundle object, so anyone who read the bundle earlier fails their own conditional write);
// - the bundle shrinks only by dropping expired CAs (never the active one, nor the one a command in
//   flight switches to), by `init --force` after its own switch with nobody having written since, or by
//   a run taking back the CA it added when its switch was refused (a CA no private Secret ever held).
import { certInfo } from '../trust/cert.js';
import type { SecretManifest } from '../ca/secrets.js';
import { trustWithout } from '../ca/trust-secret.js';
import type { Target } from './ca-common.js';
import { CliError } from './errors.js';
import { kubeStore } from './kube-store.js';
import { makeDirectory } from './make-dir.js';
import { DirStore, WriteConflict, type SecretStore, type Stored } from './secret-store.js';

export interface Pair {
  trust?: Stored;
  priv?: Stored;
}

/** Opens the store for the command (the directory lock, or the cluster), runs `fn`, closes it. */
export async function withStore<T>(t: Target, opts: { create?: boolean }, fn: (store: SecretStore) => Promise<T>): Promise<T> {
  if (t.dir && t.apply) throw new CliError('give --dir or --apply, not both');
  let store: SecretStore;
  if (t.dir) {
    if (opts.create) {
      await makeDirectory(t.dir, '--dir');
    }
    store = await DirStore.open(t.dir);
  } else if (t.apply) store = await kubeStore(t.namespace, { offline: '--dir DIR (manifest files)' });
  else throw new CliError('give --dir DIR (manifest files) or --apply (the cluster)');
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** The bundle first, then the private Secret (see the file comment). */
export async function readPair(store: SecretStore, t: Target): Promise<Pair> {
  const trust = await store.get(t.trustSecret);
  const priv = await store.get(t.privateSecret);
  return { ...(trust ? { trust } : {}), ...(priv ? { priv } : {}) };
}

/**
 * The namespace new manifests get. In a directory the files say where their Secrets live: a `-n` that
 * contradicts them is refused rather than silently ignored (or silently followed for one file only).
 */
export function namespaceFor(t: Target, store: SecretStore, pair: Pair): string {
  if (!t.dir) return t.namespace;
  const named = [pair.trust, pair.priv].filter((s): s is Stored => !!s?.secret.metadata.namespace);
  const spaces = [...new Set(named.map((s) => s.secret.metadata.namespace!))];
  if (spaces.length > 1) {
    throw new CliError(`the manifests disagree on the namespace (${named.map((s) => `${store.label(s.secret.metadata.name)}: ${s.secret.metadata.namespace}`).join(', ')}); fix them first`);
  }
  const ns = spaces[0];
  if (ns !== undefined && t.namespaceGiven && ns !== t.namespace) {
    throw new CliError(`-n ${t.namespace} contradicts ${store.label(named[0]!.secret.metadata.name)}, which is in namespace ${ns}; drop -n, or pass -n ${ns}`);
  }
  return ns ?? t.namespace;
}

/** Create if it was absent when read, else replace what was read. */
export function write(store: SecretStore, next: SecretManifest, read: Stored | undefined, isPrivate: boolean): Promise<Stored> {
  return read ? store.replace(next, read.version, { private: isPrivate }) : store.create(next, { private: isPrivate });
}

export interface Switch {
  /** The command to re-run, for messages: "ca rotate". */
  command: string;
  read: Pair;
  /** The bundle holding `ca` (and everything it held). */
  trust: SecretManifest;
  /** The private Secret holding `ca`. */
  priv: SecretManifest;
  ca: Uint8Array;
  /** Whether this run put `ca` into the bundle (it may take back only what it added). */
  addedToBundle: boolean;
  now: Date;
}

/** Bundle, then private Secret: at every point in between the active CA is in the bundle. */
export async function switchCa(store: SecretStore, s: Switch): Promise<{ trust: Stored; priv: Stored }> {
  let trust: Stored;
  try {
    trust = await write(store, s.trust, s.read.trust, false);
  } catch (err) {
    if (err instanceof WriteConflict) throw new CliError(`${err.message}; nothing was changed: re-run ${s.command}`);
    throw err;
  }
  try {
    return { trust, priv: await write(store, s.priv, s.read.priv, true) };
  } catch (err) {
    if (!(err instanceof WriteConflict)) throw err;
    throw new CliError(`${err.message}: the CA was not switched${await takeBack(store, trust, s)}; re-run ${s.command}`);
  }
}

/**
 * After a refused switch: the new CA out of the bundle again, if this run added it and nobody has
 * written the bundle since (then no private Secret can have switched to it: every switch follows a
 * bundle write). Otherwise it stays: trusted but never used, it is harmless, and drops out once expired.
 */
async function takeBack(store: SecretStore, trust: Stored, s: Switch): Promise<string> {
  const kept = ` (the bundle keeps the new CA ${certInfo(s.ca).sha256}, which nothing uses: harmless)`;
  if (!s.addedToBundle) return '';
  try {
    await store.replace(trustWithout(trust.secret, certInfo(s.ca).sha256, s.now), trust.version, { private: false });
    return ' and the bundle no longer holds its new CA';
  } catch {
    return kept; // refused (someone wrote the bundle since), or it would leave the bundle empty
  }
}
