// A loopback HTTPS stand-in for the Kubernetes API's metadata list and watch (the PartialObjectMetadata
// media types), for the cluster-fact watches: collections of objects, paged lists (limit/continue),
// watches that stay open until the test pushes events or ends them, labelSelector `k=v` and fieldSelector
// `metadata.name=x`, 403 and 410 on demand. It answers 406 when the Accept header asks for whole objects,
// so a watch that forgot the metadata media type fails here as it would waste memory there. A test
// double of Kubernetes, not of our modules: the watch reaches it through a kubeconfig.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { sharedPki } from './pki.js';

export const LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
export const WATCH_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

export interface Meta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  deletionTimestamp?: string;
}

export interface Request {
  path: string;
  watch: boolean;
  query: URLSearchParams;
  accept: string;
  status: number;
}

interface OpenWatch {
  collection: string;
  query: URLSearchParams;
  res: ServerResponse;
}

export class MetaApi {
  readonly requests: Request[] = [];
  /** Objects by collection path (/api/v1/nodes). */
  private readonly objects = new Map<string, Meta[]>();
  private readonly watches = new Set<OpenWatch>();
  private readonly forbidden = new Set<string>();
  private version = 1000;
  private server: https.Server;
  private readonly pki = sharedPki();

  constructor() {
    this.server = https.createServer({ cert: this.pki.cert, key: this.pki.key }, (req, res) => this.receive(req, res));
  }

  async start(): Promise<void> {
    await new Promise<void>((ok) => this.server.listen(0, '127.0.0.1', ok));
  }

  async close(): Promise<void> {
    for (const w of this.watches) w.res.destroy();
    this.server.closeAllConnections();
    await new Promise((ok) => this.server.close(ok));
  }

  kubeconfig(): KubeConfig {
    const kc = new KubeConfig();
    const port = (this.server.address() as AddressInfo).port;
    kc.loadFromOptions({
      clusters: [{ name: 'meta', server: `https://127.0.0.1:${port}`, caData: Buffer.from(this.pki.caCert).toString('base64'), skipTLSVerify: false }],
      users: [{ name: 'u', token: 'test-token' }],
      contexts: [{ name: 'meta', cluster: 'meta', user: 'u' }],
      currentContext: 'meta',
    });
    return kc;
  }

  set(collection: string, items: Meta[]): void {
    this.objects.set(collection, items.map((m) => ({ ...m })));
  }

  forbid(collection: string, on = true): void {
    if (on) this.forbidden.add(collection);
    else this.forbidden.delete(collection);
  }

  /** Adds or replaces an object and tells the open watches it matches. */
  upsert(collection: string, meta: Meta): void {
    const list = this.objects.get(collection) ?? [];
    const i = list.findIndex((m) => m.name === meta.name && m.namespace === meta.namespace);
    const type = i >= 0 ? 'MODIFIED' : 'ADDED';
    if (i >= 0) list[i] = { ...meta };
    else list.push({ ...meta });
    this.objects.set(collection, list);
    this.send(collection, meta, type);
  }

  remove(collection: string, name: string, namespace?: string): void {
    const list = this.objects.get(collection) ?? [];
    const i = list.findIndex((m) => m.name === name && m.namespace === namespace);
    if (i < 0) return;
    const [gone] = list.splice(i, 1);
    this.send(collection, gone!, 'DELETED');
  }

  /** Ends every open watch on `collection` with a 410 Gone ERROR event (resourceVersion too old). */
  expire(collection: string): void {
    for (const w of [...this.watches]) {
      if (w.collection !== collection) continue;
      w.res.end(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410, message: 'too old resource version' } })}\n`);
      this.watches.delete(w);
    }
  }

  /** Cuts every open watch on `collection` mid-stream (a dead connection). */
  cut(collection: string): void {
    for (const w of [...this.watches]) {
      if (w.collection !== collection) continue;
      w.res.destroy();
      this.watches.delete(w);
    }
  }

  openWatches(collection: string): URLSearchParams[] {
    return [...this.watches].filter((w) => w.collection === collection).map((w) => w.query);
  }

  lists(collection: string): Request[] {
    return this.requests.filter((r) => r.path === collection && !r.watch);
  }

  private send(collection: string, meta: Meta, type: string): void {
    this.version++;
    for (const w of this.watches) {
      if (w.collection !== collection || !matches(meta, w.query)) continue;
      w.res.write(`${JSON.stringify({ type, object: this.partial(meta) })}\n`);
    }
  }

  /** What the API server sends for metadata: managedFields and annotations included, no spec or data. */
  private partial(m: Meta): Record<string, unknown> {
    return {
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: {
        ...m,
        resourceVersion: String(this.version),
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"secret":"c2VjcmV0"}}' },
        managedFields: [{ manager: 'kubectl', operation: 'Update', fieldsV1: { 'f:metadata': {} } }],
      },
    };
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://x');
    const watch = url.searchParams.get('watch') === '1' || url.searchParams.get('watch') === 'true';
    const accept = String(req.headers.accept ?? '');
    const record = (status: number): void => {
      this.requests.push({ path: url.pathname, watch, query: url.searchParams, accept, status });
    };
    const status = (code: number, reason: string, message: string): void => {
      record(code);
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code }));
    };
    if (req.headers.authorization !== 'Bearer test-token') return status(401, 'Unauthorized', 'Unauthorized');
    if (this.forbidden.has(url.pathname)) return status(403, 'Forbidden', `${url.pathname} is forbidden: User "test" cannot list`);
    if (accept !== (watch ? WATCH_ACCEPT : LIST_ACCEPT)) return status(406, 'NotAcceptable', `only metadata here, got Accept ${accept}`);
    const items = (this.objects.get(url.pathname) ?? []).filter((m) => matches(m, url.searchParams));
    if (watch) {
      record(200);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      const w: OpenWatch = { collection: url.pathname, query: url.searchParams, res };
      this.watches.add(w);
      res.on('close', () => this.watches.delete(w));
      return;
    }
    // Paged: `continue` is the offset.
    const limit = Number(url.searchParams.get('limit') ?? '0') || items.length;
    const from = Number(url.searchParams.get('continue') ?? '0');
    const page = items.slice(from, from + limit);
    const next = from + limit < items.length ? String(from + limit) : undefined;
    record(200);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({
      kind: 'PartialObjectMetadataList',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: String(this.version), ...(next ? { continue: next } : {}) },
      items: page.map((m) => this.partial(m)),
    }));
  }
}

/** `k=v[,k=v]` label selectors and `metadata.name=x` field selectors: what the watches send. */
function matches(m: Meta, q: URLSearchParams): boolean {
  const labels = q.get('labelSelector');
  if (labels) {
    for (const part of labels.split(',')) {
      const [k, v] = part.split('=');
      if (m.labels?.[k!] !== v) return false;
    }
  }
  const field = q.get('fieldSelector');
  if (field?.startsWith('metadata.name=') && m.name !== field.slice('metadata.name='.length)) return false;
  return true;
}
