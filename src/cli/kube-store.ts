// A live cluster as a SecretStore, through @kubernetes/client-node (loaded only when asked for), in
// the current kubeconfig context (or the pod's service account). Creates are POSTs (409 AlreadyExists
// when the name exists); replaces are PUTs carrying the resourceVersion that was read (409 Conflict when
// the Secret changed since, 404 when it was deleted): the API server, not this process, decides.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SecretManifest } from '../ca/secrets.js';
import { CliError, oneLine } from './errors.js';
import { WriteConflict, type SecretStore, type Stored } from './secret-store.js';

interface ApiError {
  code?: unknown;
  body?: unknown;
  message?: string;
}

function reasonOf(err: unknown): string {
  const e = err as ApiError;
  if (typeof e.code === 'number') {
    let body = e.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body) as unknown;
      } catch {
        /* not a Status */
      }
    }
    const message = (body as { message?: unknown } | undefined)?.message;
    return typeof message === 'string' && message ? `HTTP ${e.code}: ${oneLine(message)}` : `HTTP ${e.code}`;
  }
  if (typeof e.code === 'string') return e.code;
  return err instanceof Error ? oneLine(err) : 'error';
}

/** Lets a user who has no cluster configured, or a kubeconfig the client cannot use, know what to do. */
function configProblem(err: unknown, server: string | undefined): string | undefined {
  const msg = err instanceof Error ? err.message : '';
  if (msg.includes('HTTP protocol is not allowed')) {
    return `the kubeconfig's cluster ${server ?? ''} is plain http://: use its https:// address (a test server needs insecure-skip-tls-verify: true)`;
  }
  return undefined;
}

export interface KubeStoreOptions {
  /** What to use instead of a cluster, for the message when none is configured ("--dir DIR", "a FILE"). */
  offline: string;
}

/** The Secrets of one namespace in the current kubeconfig context. */
export async function kubeStore(namespace: string, opts: KubeStoreOptions): Promise<SecretStore> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  try {
    kc.loadFromDefault();
  } catch (err) {
    throw new CliError(`cannot load a kubeconfig: ${oneLine(err)}`);
  }
  // With no KUBECONFIG, no ~/.kube/config and no service account, the client falls back to an
  // unauthenticated http://localhost:8080, whose first request fails with a message about TLS settings.
  if (kc.getCurrentContext() === 'loaded-context' && kc.getCurrentCluster()?.server === 'http://localhost:8080' && kc.getCurrentUser()?.name === 'user') {
    throw new CliError(
      `no Kubernetes cluster configured: KUBECONFIG is not set, ${join(homedir(), '.kube', 'config')} does not exist and this is not a pod; set KUBECONFIG (or kubectl config use-context), or use ${opts.offline}`,
    );
  }
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new CliError(`the kubeconfig has no current context with a cluster; pick one with kubectl config use-context NAME, or use ${opts.offline}`);
  const api = kc.makeApiClient(k8s.CoreV1Api);
  const what = (name: string): string => `Secret ${namespace}/${name}`;
  const fail = (verb: string, name: string, err: unknown, after = ''): never => {
    throw new CliError(configProblem(err, server) ?? `cannot ${verb} ${what(name)}: ${reasonOf(err)}${after}`);
  };
  // A write whose answer never came may or may not have been applied; every single write leaves the
  // pair consistent (docs/ca-pinning.md), so re-running is always safe.
  const UNKNOWN = '; it may or may not have been written (either way the two Secrets stay consistent): re-run the command';
  const stored = (s: unknown, name: string): Stored => {
    const secret = s as SecretManifest;
    const version = secret?.metadata?.resourceVersion;
    if (typeof version !== 'string' || !version) throw new CliError(`${what(name)} came back without a resourceVersion`);
    return { secret, version };
  };
  // Server-set fields a create must not carry; the namespace is the store's.
  const forCreate = (s: SecretManifest): SecretManifest => {
    const { resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, managedFields: _mf, ...meta } = s.metadata;
    return { ...s, metadata: { ...meta, namespace } };
  };
  const body = (s: SecretManifest) => s as unknown as import('@kubernetes/client-node').V1Secret;
  return {
    where: `namespace ${namespace}`,
    label: what,
    async get(name) {
      try {
        return stored(await api.readNamespacedSecret({ name, namespace }), name);
      } catch (err) {
        if ((err as ApiError).code === 404) return undefined;
        if (err instanceof CliError) throw err;
        return fail('read', name, err);
      }
    },
    async create(secret) {
      const name = secret.metadata.name;
      try {
        return stored(await api.createNamespacedSecret({ namespace, body: body(forCreate(secret)) }), name);
      } catch (err) {
        if ((err as ApiError).code === 409) throw new WriteConflict('exists', what(name));
        if (err instanceof CliError) throw err;
        return fail('create', name, err, typeof (err as ApiError).code === 'number' ? '' : UNKNOWN);
      }
    },
    async replace(secret, version) {
      const name = secret.metadata.name;
      // The precondition: the version that was read, whatever the manifest carries.
      const next = { ...secret, metadata: { ...secret.metadata, namespace, resourceVersion: version } };
      try {
        return stored(await api.replaceNamespacedSecret({ name, namespace, body: body(next) }), name);
      } catch (err) {
        const code = (err as ApiError).code;
        if (code === 409) throw new WriteConflict('changed', what(name));
        if (code === 404) throw new WriteConflict('gone', what(name));
        if (err instanceof CliError) throw err;
        return fail('replace', name, err, typeof code === 'number' ? '' : UNKNOWN);
      }
    },
    async close() {},
  };
}
