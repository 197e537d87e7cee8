// A tiny "kubelet" for the Java proofs: a planned pod's volumes laid out on temporary directories
// (Secrets as the kubelet's atomic writer leaves them, with ..data symlinks; emptyDirs shared by
// directory), container paths mapped onto them, and our own init containers run with their exact
// args and env through the built CLI.
import { expect } from 'chai';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Json } from '../../src/mutation/pod.js';
import { runCli, type CliResult } from '../support/cli.js';

export type Secrets = Record<string, Record<string, Buffer | string>>;

/** Host directories for a pod's volumes: Secrets materialised, every other volume an empty directory. */
export async function materialise(pod: Json, root: string, secrets: Secrets): Promise<Map<string, string>> {
  const dirs = new Map<string, string>();
  for (const v of ((pod.spec as Json).volumes as Json[]) ?? []) {
    const dir = join(root, `vol-${String(v.name)}`);
    await mkdir(dir, { recursive: true });
    dirs.set(String(v.name), dir);
    const secret = v.secret as { secretName: string; items?: { key: string; path: string }[] } | undefined;
    if (!secret) continue;
    const data = secrets[secret.secretName];
    if (!data) throw new Error(`no Secret ${secret.secretName}`);
    const files = secret.items ? secret.items.map((i) => [i.path, data[i.key]!] as const) : Object.entries(data);
    const stamp = join(dir, '..2026_01_01_00_00_00.000000001');
    await mkdir(stamp);
    for (const [name, bytes] of files) await writeFile(join(stamp, name), bytes);
    await symlink('..2026_01_01_00_00_00.000000001', join(dir, '..data'));
    for (const [name] of files) await symlink(join('..data', name), join(dir, name));
  }
  return dirs;
}

/** Rewrites a container's paths onto the host directories of its mounts (subPath honoured). */
export function mapper(container: Json, dirs: Map<string, string>): (s: string) => string {
  const mounts = ((container.volumeMounts as Json[]) ?? []).map((m) => {
    const host = dirs.get(String(m.name));
    if (!host) throw new Error(`container ${String(container.name)} mounts ${String(m.name)}, which the pod does not have`);
    return [String(m.mountPath).replace(/\/+$/, ''), typeof m.subPath === 'string' && m.subPath ? join(host, m.subPath) : host] as const;
  });
  mounts.sort((a, b) => b[0].length - a[0].length);
  return (s) => {
    for (const [path, host] of mounts) if (s === path || s.startsWith(`${path}/`)) return host + s.slice(path.length);
    return s;
  };
}

export function envOf(container: Json, map: (s: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of (container.env as Json[]) ?? []) if (typeof e.value === 'string') out[String(e.name)] = map(e.value);
  return out;
}

export function initContainer(pod: Json, name: string): Json {
  const c = (((pod.spec as Json).initContainers as Json[]) ?? []).find((x) => x.name === name);
  if (!c) throw new Error(`no init container ${name}`);
  return c;
}

/** Runs one of OUR init containers (command nifi-ca-guard) as the kubelet would, on the mapped volumes. */
export async function runInit(pod: Json, name: string, dirs: Map<string, string>): Promise<CliResult> {
  const init = initContainer(pod, name);
  expect(init.command).to.deep.equal(['nifi-ca-guard']);
  const map = mapper(init, dirs);
  return runCli((init.args as string[]).map(map), { env: envOf(init, map) });
}
