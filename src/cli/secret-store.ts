// Where `ca` commands read and write their two Secrets: manifest files in a directory, or a live
// cluster (kube-store.ts). Every write is conditional on what was read, as the API server's
// optimistic concurrency has it: create only if absent, replace only if unchanged since read.
import { createHash, randomBytes } from 'node:crypto';
import { link, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { SecretManifest } from '../ca/secrets.js';
import { writeFileAtomic } from '../trust/atomic-write.js';
import { lockDir, type DirLock } from './dir-lock.js';
import { CliError } from './errors.js';
import { ioReason } from './password.js';

/** A Secret as read, and the version a replace is conditional on (resourceVersion, or a content hash). */
export interface Stored {
  secret: SecretManifest;
  version: string;
}

export type ConflictKind = 'exists' | 'changed' | 'gone';

/**
 * A conditional write refused: nothing was written. The message names the Secret and what happened;
 * the command adds what it means for the pair and what to do.
 */
export class WriteConflict extends CliError {
  constructor(
    readonly kind: ConflictKind,
    readonly what: string,
  ) {
    super(`${what} ${kind === 'exists' ? 'already exists (created since it was read)' : kind === 'changed' ? 'changed since it was read (another ca command, or someone else, wrote it)' : 'was deleted since it was read'}`);
    this.name = 'WriteConflict';
  }
}

export interface SecretStore {
  readonly where: string;
  /** How messages name a Secret: "Secret nifi/nifi-ca-trust", "Secret nifi-ca-trust (dir/nifi-ca-trust.yaml)". */
  label(name: string): string;
  get(name: string): Promise<Stored | undefined>;
  /** Creates; WriteConflict 'exists' if it exists. `private` marks private material (file mode 0600). */
  create(secret: SecretManifest, opts: { private: boolean }): Promise<Stored>;
  /** Replaces what was read as `version`; WriteConflict 'changed' or 'gone' otherwise. */
  replace(secret: SecretManifest, version: string, opts: { private: boolean }): Promise<Stored>;
  /** Ends the command's hold on the store (the directory lock). */
  close(): Promise<void>;
}

export function manifestPath(dir: string, name: string): string {
  return join(dir, `${name}.yaml`);
}

const hash = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Manifest files, one `<name>.yaml` per Secret. The directory lock keeps other `ca` commands out for
 * the whole command; the content hash compared before each replace catches anyone else (an editor, a
 * `git checkout`) who changed a file after it was read.
 */
export class DirStore implements SecretStore {
  private constructor(
    readonly dir: string,
    private readonly lock: DirLock,
  ) {}

  static async open(dir: string): Promise<DirStore> {
    return new DirStore(dir, await lockDir(dir));
  }

  get where(): string {
    return this.dir;
  }
  label(name: string): string {
    return `Secret ${name} (${manifestPath(this.dir, name)})`;
  }

  private async readBytes(path: string): Promise<Buffer | undefined> {
    try {
      return await readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new CliError(`cannot read ${path}: ${ioReason(err)}`);
    }
  }

  async get(name: string): Promise<Stored | undefined> {
    const path = manifestPath(this.dir, name);
    const bytes = await this.readBytes(path);
    if (bytes === undefined) return undefined;
    let doc: unknown;
    try {
      doc = parse(bytes.toString('utf8'));
    } catch {
      throw new CliError(`${path} is not valid YAML`);
    }
    if (!isSecret(doc)) throw new CliError(`${path} is not a Secret manifest`);
    return { secret: doc, version: hash(bytes) };
  }

  async create(secret: SecretManifest, opts: { private: boolean }): Promise<Stored> {
    const path = manifestPath(this.dir, secret.metadata.name);
    const text = stringify(secret);
    // link() fails if the name exists: create-if-absent in one step, never over someone else's file.
    const tmp = join(this.dir, `.${secret.metadata.name}.yaml.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const fh = await open(tmp, 'wx', opts.private ? 0o600 : 0o644);
      try {
        await fh.writeFile(text);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await link(tmp, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new WriteConflict('exists', this.label(secret.metadata.name));
      throw new CliError(`cannot write ${path}: ${ioReason(err)}`);
    } finally {
      await rm(tmp, { force: true });
    }
    return { secret, version: hash(text) };
  }

  async replace(secret: SecretManifest, version: string, opts: { private: boolean }): Promise<Stored> {
    const path = manifestPath(this.dir, secret.metadata.name);
    const now = await this.readBytes(path);
    if (now === undefined) throw new WriteConflict('gone', this.label(secret.metadata.name));
    if (hash(now) !== version) throw new WriteConflict('changed', this.label(secret.metadata.name));
    const text = stringify(secret);
    try {
      await writeFileAtomic(path, text, opts.private ? 0o600 : 0o644);
    } catch (err) {
      throw new CliError(`cannot write ${path}: ${ioReason(err)}`);
    }
    return { secret, version: hash(text) };
  }

  async close(): Promise<void> {
    await this.lock.release();
  }
}

export function isSecret(doc: unknown): doc is SecretManifest {
  const d = doc as { kind?: unknown; metadata?: { name?: unknown } } | null;
  return !!d && typeof d === 'object' && d.kind === 'Secret' && typeof d.metadata?.name === 'string';
}
