// A loopback stand-in for the Kubernetes API server's Secret endpoints (GET, POST, PUT), with the
// API server's optimistic concurrency: every write bumps metadata.resourceVersion; a PUT carrying a
// stale resourceVersion (or uid) is 409 Conflict, one carrying none is an unconditional update (as the
// real server allows for Secrets); a POST of an existing name is 409 AlreadyExists; a PUT of a
// missing Secret is 404; `type` is immutable (422); a PUT that changes nothing keeps the version.
// It is a test double of Kubernetes, not of our modules: the CLI reaches it through a kubeconfig.
//
// Interleavings are scripted, not left to timing: each client (one kubeconfig each, told apart by its
// bearer token) counts its writes, and `schedule([[a, b], [b, a]])` holds every client's first write
// until each of a and b has sent its first write or exited, then applies them in the order a, b;
// the second writes likewise in the order b, a. Reads are never held, so every client has read what
// it writes from before any scheduled write is applied.
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface SecretObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; uid?: string; [k: string]: unknown };
  type?: string;
  data?: Record<string, string>;
  [k: string]: unknown;
}

export interface ApiCall {
  client: string;
  method: string;
  path: string;
  status: number;
}

interface Held {
  apply: () => void;
  /** Drops the request unapplied, cutting its connection (the client sees it fail). */
  drop: () => void;
}

export class FakeKubeApi {
  readonly secrets = new Map<string, SecretObject>();
  readonly calls: ApiCall[] = [];
  private server: Server;
  private version = 100;
  private phases: string[][] = [];
  private writes = new Map<string, number>();
  private exitedClients = new Set<string>();
  private held = new Map<number, Map<string, Held>>();
  private waiters: (() => void)[] = [];

  constructor() {
    this.server = createServer((req, res) => this.receive(req, res));
  }

  async start(): Promise<void> {
    await new Promise<void>((ok) => this.server.listen(0, '127.0.0.1', ok));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((ok) => this.server.close(ok));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Writes a kubeconfig for `client` into `dir`; the client is named by its token. */
  async kubeconfig(dir: string, client = 'default'): Promise<string> {
    const path = join(dir, `kubeconfig-${client}`);
    await writeFile(
      path,
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{name: fake, cluster: {server: "${this.url}", insecure-skip-tls-verify: true}}]`,
        `users: [{name: u, user: {token: ${client}}}]`,
        'contexts: [{name: fake, context: {cluster: fake, user: u}}]',
        'current-context: fake',
        '',
      ].join('\n'),
    );
    return path;
  }

  /** Scripts the order of the clients' n-th writes (see the file comment); resets the counters. */
  schedule(phases: string[][]): void {
    this.phases = phases;
    this.writes.clear();
    this.exitedClients.clear();
    this.held.clear();
  }

  /**
   * The client's process has exited, or is to be cut off: scheduled phases stop waiting for it, and a
   * write of it still held is dropped, never applied, its connection cut (an interruption before the
   * write reached the server).
   */
  exited(client: string): void {
    this.exitedClients.add(client);
    for (const held of this.held.values()) {
      held.get(client)?.drop();
      held.delete(client);
    }
    for (let k = 0; k < this.phases.length; k++) this.release(k);
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves once `client` has a write held (its n-th, counting from 1), e.g. to kill it there. */
  async heldWrite(client: string, n: number): Promise<void> {
    while (!this.held.get(n - 1)?.has(client)) {
      if (this.exitedClients.has(client)) throw new Error(`${client} exited before its write ${n}`);
      await new Promise<void>((ok) => this.waiters.push(ok));
    }
  }

  get(namespace: string, name: string): SecretObject | undefined {
    const s = this.secrets.get(`${namespace}/${name}`);
    return s && (JSON.parse(JSON.stringify(s)) as SecretObject);
  }

  /** Stores an object as a client other than the CLI would (kubectl apply), bumping its version. */
  put(namespace: string, obj: SecretObject): SecretObject {
    const stored = JSON.parse(JSON.stringify(obj)) as SecretObject;
    const old = this.secrets.get(`${namespace}/${obj.metadata.name}`);
    stored.metadata = { ...stored.metadata, namespace, uid: old?.metadata.uid ?? randomUUID(), resourceVersion: String(++this.version) };
    this.secrets.set(`${namespace}/${obj.metadata.name}`, stored);
    return stored;
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const client = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? 'anonymous';
      const method = req.method ?? '';
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const apply = (): void => {
        const [status, obj] = this.handle(method, path, body);
        this.calls.push({ client, method, path, status });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(obj));
      };
      if (method === 'GET') return apply();
      const k = this.writes.get(client) ?? 0;
      this.writes.set(client, k + 1);
      if (k >= this.phases.length || !this.phases[k]!.includes(client)) return apply();
      if (!this.held.has(k)) this.held.set(k, new Map());
      this.held.get(k)!.set(client, { apply, drop: () => res.destroy() });
      for (const w of this.waiters.splice(0)) w();
      this.release(k);
    });
  }

  /** Applies phase k's held writes, in the scripted order, once no client of it can still send one. */
  private release(k: number): void {
    const held = this.held.get(k);
    if (!held || held.size === 0) return;
    const order = this.phases[k]!;
    if (!order.every((c) => held.has(c) || this.exitedClients.has(c))) return;
    for (const c of order) {
      const h = held.get(c);
      held.delete(c);
      h?.apply();
    }
  }

  private handle(method: string, path: string, body: string): [number, unknown] {
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/secrets(?:\/([^/]+))?$/.exec(path);
    if (!m) return status(404, 'NotFound', `the server could not find the requested resource`);
    const ns = m[1]!;
    const name = m[2];
    if (method === 'GET' && name) {
      const s = this.secrets.get(`${ns}/${name}`);
      return s ? [200, s] : status(404, 'NotFound', `secrets "${name}" not found`);
    }
    let obj: SecretObject;
    try {
      obj = JSON.parse(body) as SecretObject;
    } catch {
      return status(400, 'BadRequest', 'invalid JSON');
    }
    if (!obj?.metadata?.name) return status(422, 'Invalid', 'metadata.name: Required value');
    if (obj.metadata.namespace && obj.metadata.namespace !== ns) return status(400, 'BadRequest', 'the namespace of the object does not match the namespace on the request');
    if (method === 'POST' && !name) {
      const key = `${ns}/${obj.metadata.name}`;
      if (obj.metadata.resourceVersion) return status(500, 'InternalError', 'resourceVersion should not be set on objects to be created');
      if (this.secrets.has(key)) return status(409, 'AlreadyExists', `secrets "${obj.metadata.name}" already exists`);
      const stored: SecretObject = { ...obj, type: obj.type ?? 'Opaque', metadata: { ...obj.metadata, namespace: ns, uid: randomUUID(), resourceVersion: String(++this.version) } };
      this.secrets.set(key, stored);
      return [201, stored];
    }
    if (method === 'PUT' && name) {
      if (obj.metadata.name !== name) return status(400, 'BadRequest', 'the name of the object does not match the name on the URL');
      const key = `${ns}/${name}`;
      const old = this.secrets.get(key);
      if (!old) return status(404, 'NotFound', `secrets "${name}" not found`);
      const conflict = `Operation cannot be fulfilled on secrets "${name}": the object has been modified; please apply your changes to the latest version and try again`;
      if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== old.metadata.resourceVersion) return status(409, 'Conflict', conflict);
      if (obj.metadata.uid && obj.metadata.uid !== old.metadata.uid) return status(409, 'Conflict', `Precondition failed: UID in precondition: ${obj.metadata.uid}, UID in object meta: ${old.metadata.uid}`);
      const type = obj.type ?? 'Opaque';
      if (type !== old.type) return status(422, 'Invalid', `Secret "${name}" is invalid: type: Invalid value: "${type}": field is immutable`);
      const next: SecretObject = { ...obj, type, metadata: { ...obj.metadata, namespace: ns, uid: old.metadata.uid, resourceVersion: old.metadata.resourceVersion } };
      if (JSON.stringify(canonical(next)) === JSON.stringify(canonical(old))) return [200, old];
      next.metadata.resourceVersion = String(++this.version);
      this.secrets.set(key, next);
      return [200, next];
    }
    return status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  }
}

function status(code: number, reason: string, message: string): [number, unknown] {
  return [code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }];
}

/** Key order does not make an update. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}
