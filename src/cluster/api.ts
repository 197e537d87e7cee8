// A small JSON client for the few API calls the in-cluster edge makes, on the kubeconfig's (or the
// pod's service account's) credentials. Plain JSON in and out: objects are never passed through typed
// models, which drop fields they do not know (a whole-object update would then erase them).
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

export type Json = Record<string, unknown>;

/** A refused or failed request: the HTTP status and the first line of the API server's Status message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** 409 (resourceVersion changed, or already exists) and 422 (a JSON patch `test` failed): re-read and retry. */
export function isConflict(err: unknown): boolean {
  return err instanceof ApiError && (err.status === 409 || err.status === 422);
}

export interface Api {
  /** undefined when the object does not exist (404). `accept`: another representation (metadata only). */
  get(path: string, accept?: string): Promise<Json | undefined>;
  create(collectionPath: string, body: Json): Promise<Json>;
  /** PUT: conditional on the body's metadata.resourceVersion (409 when it changed). */
  replace(path: string, body: Json): Promise<Json>;
  jsonPatch(path: string, ops: readonly Json[]): Promise<Json>;
}

const TIMEOUT_MS = 10_000;

/** `fieldManager` names this writer in the objects' managedFields, so a write can be traced to its replica. */
export function kubeApi(kc: KubeConfig, fieldManager: string): Api {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig names no current cluster');
  const server = new URL(cluster.server);
  const base = server.pathname.replace(/\/$/, '');
  const manager = `fieldManager=${encodeURIComponent(fieldManager.slice(0, 128))}`;

  const request = async (method: string, path: string, body?: unknown, contentType = 'application/json', accept = 'application/json'): Promise<Json | undefined> => {
    const opts: https.RequestOptions = {
      method,
      protocol: server.protocol,
      hostname: server.hostname.replace(/^\[|\]$/g, ''),
      port: server.port || 443,
      path: `${base}${path}`,
      headers: { Accept: accept },
      timeout: TIMEOUT_MS,
    };
    await kc.applyToHTTPSOptions(opts); // token (re-read when it is a file), client certificate, CA
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    if (payload) Object.assign(opts.headers!, { 'Content-Type': contentType, 'Content-Length': payload.length });
    return new Promise((resolve, reject) => {
      const req = https.request(opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          if (status === 404 && method === 'GET') return resolve(undefined);
          if (status >= 200 && status < 300) {
            try {
              return resolve(text ? (JSON.parse(text) as Json) : {});
            } catch {
              return reject(new ApiError(status, `${method} ${path}: the response is not JSON`));
            }
          }
          reject(new ApiError(status, `${method} ${path}: HTTP ${status}: ${statusMessage(text)}`));
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in ${TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  };

  return {
    get: (path, accept) => request('GET', path, undefined, undefined, accept),
    create: async (collectionPath, body) => (await request('POST', `${collectionPath}?${manager}`, body))!,
    replace: async (path, body) => (await request('PUT', `${path}?${manager}`, body))!,
    jsonPatch: async (path, ops) => (await request('PATCH', `${path}?${manager}`, ops, 'application/json-patch+json'))!,
  };
}

/** The Status object's message (which says what was refused and to whom), first line only. */
export function statusMessage(text: string): string {
  try {
    const s = JSON.parse(text) as { message?: unknown };
    if (typeof s.message === 'string' && s.message !== '') return s.message.split('\n')[0]!;
  } catch {
    // not a Status
  }
  return text.split('\n')[0]!.slice(0, 200) || 'no message';
}

/** One line for a log, from anything thrown. */
export function errorLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

/** managedFields are the API server's bookkeeping: left out of an update, it keeps and updates them. */
export function withoutManagedFields(meta: Json): Json {
  const { managedFields: _ignored, ...rest } = meta;
  return rest;
}
