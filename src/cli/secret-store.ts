// Where `ca` commands read and write their two Secrets: manifest files in a directory, or a live
// cluster through @kubernetes/client-node (loaded only when asked for).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { SecretManifest } from '../ca/secrets.js';
import { writeFileAtomic } from '../trust/atomic-write.js';
import { CliError } from './errors.js';
import { ioReason } from './password.js';

export interface SecretStore {
  readonly where: string;
  get(name: string): Promise<SecretManifest | undefined>;
  /** Creates or replaces. `private` marks a Secret holding private material (file mode 0600 in a directory). */
  put(secret: SecretManifest, opts: { private: boolean }): Promise<void>;
}

export function manifestPath(dir: string, name: string): string {
  return join(dir, `${name}.yaml`);
}

export class DirStore implements SecretStore {
  constructor(readonly dir: string) {}
  get where(): string {
    return this.dir;
  }
  async get(name: string): Promise<SecretManifest | undefined> {
    const path = manifestPath(this.dir, name);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new CliError(`cannot read ${path}: ${ioReason(err)}`);
    }
    let doc: unknown;
    try {
      doc = parse(text);
    } catch {
      throw new CliError(`${path} is not valid YAML`);
    }
    if (!isSecret(doc)) throw new CliError(`${path} is not a Secret manifest`);
    return doc;
  }
  async put(secret: SecretManifest, opts: { private: boolean }): Promise<void> {
    const path = manifestPath(this.dir, secret.metadata.name);
    try {
      await writeFileAtomic(path, stringify(secret), opts.private ? 0o600 : 0o644);
    } catch (err) {
      throw new CliError(`cannot write ${path}: ${ioReason(err)}`);
    }
  }
}

export function isSecret(doc: unknown): doc is SecretManifest {
  const d = doc as { kind?: unknown; metadata?: { name?: unknown } } | null;
  return !!d && typeof d === 'object' && d.kind === 'Secret' && typeof d.metadata?.name === 'string';
}

/** A live cluster: current kubeconfig context (or in-cluster service account). */
export async function kubeStore(namespace: string): Promise<SecretStore> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  try {
    kc.loadFromDefault();
  } catch (err) {
    throw new CliError(`cannot load a kubeconfig: ${err instanceof Error ? err.message.split('\n')[0] : 'unknown error'}`);
  }
  const api = kc.makeApiClient(k8s.CoreV1Api);
  const fail = (verb: string, name: string, err: unknown): never => {
    const code = (err as { code?: unknown }).code;
    const why = typeof code === 'number' ? `HTTP ${code}` : typeof code === 'string' ? code : err instanceof Error ? err.message.split('\n')[0]! : 'error';
    throw new CliError(`cannot ${verb} Secret ${namespace}/${name}: ${why}`);
  };
  return {
    where: `namespace ${namespace}`,
    async get(name) {
      try {
        return (await api.readNamespacedSecret({ name, namespace })) as unknown as SecretManifest;
      } catch (err) {
        if ((err as { code?: number }).code === 404) return undefined;
        return fail('read', name, err);
      }
    },
    async put(secret) {
      const body = { ...secret, metadata: { ...secret.metadata, namespace } };
      try {
        await api.replaceNamespacedSecret({ name: secret.metadata.name, namespace, body });
      } catch (err) {
        if ((err as { code?: number }).code !== 404) fail('replace', secret.metadata.name, err);
        try {
          await api.createNamespacedSecret({ namespace, body });
        } catch (err2) {
          fail('create', secret.metadata.name, err2);
        }
      }
    },
  };
}
