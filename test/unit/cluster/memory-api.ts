// An in-memory stand-in for the Kubernetes API, with its concurrency rules: create refuses an existing
// name (409), an update must carry the stored resourceVersion (409), a JSON patch is applied whole or
// not at all (a failed `test` is 422); a PUT to `NAME/status` changes the status of NAME alone (the
// status subresource); a create with metadata.generateName gets a name. The Kubernetes API is the
// outside world here; the project's modules under test run for real on top of it.
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { ApiError, type Api, type Json } from '../../../src/cluster/api.js';

const { applyPatch } = fastJsonPatch;

export class MemoryApi implements Api {
  readonly objects = new Map<string, Json>();
  readonly writes: Array<{ method: string; path: string }> = [];
  #version = 1;
  /** Runs before the next write is applied (e.g. another client's edit), then is cleared. */
  beforeNextWrite: (() => void) | undefined;

  put(path: string, obj: Json): Json {
    const stored = structuredClone(obj);
    (stored.metadata as Json).resourceVersion = String(++this.#version);
    this.objects.set(path, stored);
    return structuredClone(stored);
  }

  async get(path: string): Promise<Json | undefined> {
    const o = this.objects.get(path);
    return o ? structuredClone(o) : undefined;
  }

  async create(collectionPath: string, body: Json): Promise<Json> {
    this.interleave();
    const meta = body.metadata as Json;
    if (meta.name === undefined && typeof meta.generateName === 'string') body = { ...body, metadata: { ...meta, name: `${meta.generateName}${(this.#version + 1).toString(36)}` } };
    const path = `${collectionPath}/${(body.metadata as Json).name as string}`;
    if (this.objects.has(path)) throw new ApiError(409, `POST ${collectionPath}: HTTP 409: already exists`);
    this.writes.push({ method: 'POST', path });
    return this.put(path, body);
  }

  async replace(path: string, body: Json): Promise<Json> {
    this.interleave();
    const status = path.endsWith('/status') && !this.objects.has(path);
    if (status) path = path.slice(0, -'/status'.length);
    const current = this.objects.get(path);
    if (!current) throw new ApiError(404, `PUT ${path}: HTTP 404`);
    if ((body.metadata as Json).resourceVersion !== (current.metadata as Json).resourceVersion) throw new ApiError(409, `PUT ${path}: HTTP 409: the object has been modified`);
    this.writes.push({ method: 'PUT', path: status ? `${path}/status` : path });
    return this.put(path, status ? { ...current, status: body.status } : body);
  }

  async jsonPatch(path: string, ops: readonly Json[]): Promise<Json> {
    this.interleave();
    const current = this.objects.get(path);
    if (!current) throw new ApiError(404, `PATCH ${path}: HTTP 404`);
    let patched: Json;
    try {
      patched = applyPatch(structuredClone(current), ops as unknown as Operation[], true, false).newDocument as Json;
    } catch (err) {
      throw new ApiError(422, `PATCH ${path}: HTTP 422: ${(err as Error).message.split('\n')[0]}`);
    }
    this.writes.push({ method: 'PATCH', path });
    return this.put(path, patched);
  }

  private interleave(): void {
    const f = this.beforeNextWrite;
    this.beforeNextWrite = undefined;
    f?.();
  }
}
