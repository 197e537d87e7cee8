// A list+watch of one collection's metadata only (PartialObjectMetadata): what cluster facts are made of.
//
// Written on node:https rather than @kubernetes/client-node's makeInformer: its Watch (1.4) builds the
// request itself and sends no Accept header of ours, so the API server would stream whole objects
// (every pod spec, every Secret's data) only for us to drop them. Asking for
// `as=PartialObjectMetadata[List];g=meta.k8s.io;v=v1` makes the server send metadata alone: Secret data
// never leaves the API server, and the process holds only namespace, name and labels per object.
import https from 'node:https';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { errorLine, statusMessage } from './api.js';

const LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
const WATCH_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';
const REQUEST_TIMEOUT_MS = 30_000;
/** A refusal's body is a Status: read that much of it for the message, never more. */
const ERROR_BODY_LIMIT = 8192;

/** What is kept of each object. */
export interface MetaEntry {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** The metadata fields read from the API (PartialObjectMetadata.metadata). */
export interface RawMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  resourceVersion?: string;
  deletionTimestamp?: string;
}

export interface MetadataWatchOptions {
  kubeconfig: KubeConfig;
  /** The collection, every namespace: /api/v1/nodes, /api/v1/pods, /api/v1/secrets. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** For the log: "nodes", "pods app=nifi", "Secrets named nifi-ca-trust". */
  what: string;
  logger: Logger;
  /** Objects kept out, as if absent (pods being deleted). */
  skip?: (meta: RawMeta) => boolean;
  /** Called whenever what current() answers may have changed. */
  onChange?: () => void;
  /** After a failure: first delay, doubled up to maxMs (forbiddenMs after a 403: RBAC changes are rare). */
  backoff?: { initialMs: number; maxMs: number; forbiddenMs: number };
  /** Objects per list page, so one response stays small in a large cluster. */
  pageSize?: number;
  /** Watches are ended by the server after this long (plus jitter) and resumed from the last resourceVersion. */
  watchSeconds?: number;
}

/** An answer other than 200: the status and the Status message's first line. */
export class WatchHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'WatchHttpError';
  }
}

/** The resourceVersion is too old (410 Gone), on a list page or as a watch's ERROR event: list afresh. */
class Expired extends Error {}

const DEFAULT_BACKOFF = { initialMs: 1000, maxMs: 60_000, forbiddenMs: 300_000 };

/**
 * Lists, then watches from the list's resourceVersion, keeping namespace/name/labels per object. A watch
 * the server ends is resumed; 410 Gone lists afresh at once; any other failure makes the state "not
 * known" (current() undefined) and lists again after a growing delay. A 403 is said once in the log
 * (RBAC does not cover it) and retried rarely.
 */
export class MetadataWatch {
  private entries = new Map<string, MetaEntry>();
  private known = false;
  private stopped = false;
  private request: ClientRequest | undefined;
  private wake: (() => void) | undefined;
  private resourceVersion = '';
  private failures = 0;
  private forbiddenSaid = false;
  private everSynced = false;
  private readonly backoff: { initialMs: number; maxMs: number; forbiddenMs: number };
  readonly done: Promise<void>;

  constructor(private readonly opts: MetadataWatchOptions) {
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.done = this.run();
  }

  /** The objects, keyed namespace/name; undefined until the first list completes and from a failure until the next. */
  current(): ReadonlyMap<string, MetaEntry> | undefined {
    return this.known ? this.entries : undefined;
  }

  stop(): void {
    this.stopped = true;
    this.request?.destroy();
    this.wake?.();
  }

  private changed(): void {
    this.opts.onChange?.();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.list();
        for (;;) {
          if (this.stopped) return;
          const started = Date.now();
          await this.watch();
          // A watch the server (or a proxy) ends at once would otherwise be reopened in a tight loop.
          if (Date.now() - started < 1000) await this.sleep(this.backoff.initialMs);
        }
      } catch (err) {
        if (this.stopped) return;
        if (err instanceof Expired) continue; // list afresh, at once
        await this.failed(err);
      }
    }
  }

  private async failed(err: unknown): Promise<void> {
    const wasKnown = this.known;
    this.known = false;
    if (wasKnown) this.changed();
    this.failures++;
    const forbidden = err instanceof WatchHttpError && err.status === 403;
    const delayMs = forbidden ? this.backoff.forbiddenMs : Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** (this.failures - 1));
    const fields = { watch: this.opts.what, error: errorLine(err), retryInMs: delayMs };
    if (forbidden) {
      // Said once: a policy naming a Secret the install's RBAC does not cover stays "not known" for good.
      if (!this.forbiddenSaid) this.opts.logger.warn(fields, 'cluster facts: forbidden by RBAC; not known (no warnings that need it)');
      else this.opts.logger.debug(fields, 'cluster facts: still forbidden');
      this.forbiddenSaid = true;
    } else {
      this.opts.logger.warn(fields, 'cluster facts: list or watch failed; not known until listed again');
    }
    await this.sleep(delayMs);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  private query(extra: Record<string, string>): string {
    const q = new URLSearchParams();
    if (this.opts.labelSelector) q.set('labelSelector', this.opts.labelSelector);
    if (this.opts.fieldSelector) q.set('fieldSelector', this.opts.fieldSelector);
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    return `${this.opts.path}?${q.toString()}`;
  }

  private async list(): Promise<void> {
    const fresh = new Map<string, MetaEntry>();
    let next = '';
    let rv = '';
    do {
      const page = (await this.getJson(this.query({ limit: String(this.opts.pageSize ?? 500), ...(next ? { continue: next } : {}) }))) as {
        metadata?: { resourceVersion?: string; continue?: string };
        items?: Array<{ metadata?: RawMeta }>;
      };
      for (const item of page.items ?? []) this.put(fresh, item.metadata);
      rv = page.metadata?.resourceVersion ?? '';
      next = page.metadata?.continue ?? '';
    } while (next !== '' && !this.stopped);
    this.entries = fresh;
    this.resourceVersion = rv;
    this.known = true;
    this.failures = 0;
    this.forbiddenSaid = false;
    if (!this.everSynced) this.opts.logger.info({ watch: this.opts.what, objects: fresh.size }, 'cluster facts: listed');
    this.everSynced = true;
    this.changed();
  }

  private put(into: Map<string, MetaEntry>, meta: RawMeta | undefined): boolean {
    if (!meta?.name) return false;
    const key = meta.namespace ? `${meta.namespace}/${meta.name}` : meta.name;
    if (this.opts.skip?.(meta)) return into.delete(key);
    into.set(key, { namespace: meta.namespace ?? '', name: meta.name, labels: meta.labels ?? {} });
    return true;
  }

  /** One watch request, until the server ends it (resolves) or it fails (throws; Expired on 410). */
  private async watch(): Promise<void> {
    const seconds = (this.opts.watchSeconds ?? 300) + Math.floor(Math.random() * 60);
    const res = await this.open(
      this.query({ watch: '1', resourceVersion: this.resourceVersion, allowWatchBookmarks: 'true', timeoutSeconds: String(seconds) }),
      WATCH_ACCEPT,
      (seconds + 30) * 1000, // silence beyond the server's own end: the connection is dead
    );
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      let settled = false;
      const settle = (err?: unknown): void => {
        if (settled) return;
        settled = true;
        if (err) {
          res.destroy();
          reject(err);
        } else resolve();
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line.trim() === '') continue;
          try {
            this.event(JSON.parse(line) as { type?: string; object?: { metadata?: RawMeta; code?: number; message?: string } });
          } catch (err) {
            settle(err);
            return;
          }
        }
      });
      res.on('end', () => settle());
      res.on('error', (err) => settle(err));
      res.on('close', () => settle(this.stopped ? undefined : new Error('watch connection closed')));
    });
  }

  private event(e: { type?: string; object?: { metadata?: RawMeta; code?: number; message?: string } }): void {
    const meta = e.object?.metadata;
    switch (e.type) {
      case 'ADDED':
      case 'MODIFIED':
        this.put(this.entries, meta);
        this.changed();
        break;
      case 'DELETED':
        if (meta?.name) this.entries.delete(meta.namespace ? `${meta.namespace}/${meta.name}` : meta.name);
        this.changed();
        break;
      case 'BOOKMARK':
        break;
      case 'ERROR':
        if (e.object?.code === 410) throw new Expired();
        throw new WatchHttpError(e.object?.code ?? 0, `watch: ${e.object?.message ?? 'error event'}`);
      default:
        throw new Error(`watch: unknown event type ${String(e.type)}`);
    }
    if (meta?.resourceVersion) this.resourceVersion = meta.resourceVersion;
  }

  private async getJson(path: string): Promise<unknown> {
    const res = await this.open(path, LIST_ACCEPT, REQUEST_TIMEOUT_MS);
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new Error(`GET ${this.opts.path}: the response is not JSON`);
    }
  }

  /** GET with the kubeconfig's credentials; resolves on 200, throws WatchHttpError (Expired on 410) otherwise. */
  private async open(path: string, accept: string, idleMs: number): Promise<IncomingMessage> {
    const kc = this.opts.kubeconfig;
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig names no current cluster');
    const server = new URL(cluster.server);
    const opts: https.RequestOptions = {
      method: 'GET',
      protocol: server.protocol,
      hostname: server.hostname.replace(/^\[|\]$/g, ''),
      port: server.port || 443,
      path: `${server.pathname.replace(/\/$/, '')}${path}`,
      headers: { Accept: accept },
      timeout: idleMs,
    };
    await kc.applyToHTTPSOptions(opts); // token (re-read when it is a file), client certificate, CA
    if (this.stopped) throw new Error('stopped');
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = https.request(opts, resolve);
      this.request = req;
      req.on('timeout', () => req.destroy(new Error(`GET ${this.opts.path}: no data in ${idleMs} ms`)));
      req.on('error', reject);
      req.end();
    });
    if (res.statusCode === 200) return res;
    const body = await readLimited(res, ERROR_BODY_LIMIT);
    if (res.statusCode === 410) throw new Expired();
    throw new WatchHttpError(res.statusCode ?? 0, `GET ${this.opts.path}: HTTP ${res.statusCode}: ${statusMessage(body)}`);
  }
}

async function readLimited(res: IncomingMessage, limit: number): Promise<string> {
  let text = '';
  for await (const c of res) {
    if (text.length < limit) text += (c as Buffer).toString('utf8');
  }
  return text.slice(0, limit);
}
