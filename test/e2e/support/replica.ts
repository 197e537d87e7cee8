// A webhook replica run as a host process the way its pod would run: the container's args and env of
// the rendered Deployment (manifests/overlays/e2e), with only what a pod gets from its surroundings
// translated for a host process:
// - `--port`/`--host`: a loopback port of its own (the pod's IP and port);
// - the downward API's fieldRefs: metadata.name -> the replica's pod name, metadata.namespace -> the Deployment's;
// - ConfigMap volumes: written into a directory, and args that name a path under a mount point rewritten to it;
// - the in-cluster service account: a kubeconfig with the ServiceAccount's token (so the manifests' RBAC applies).
// Anything else in the container spec (another volume type, another env source) fails the test.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { e2eEnv } from './env.js';
import { spawnCli } from '../../support/cli.js';
import { eventually } from './wait.js';

interface Container {
  name: string;
  image?: string;
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
interface Doc {
  kind: string;
  metadata: { name: string; namespace?: string };
  data?: Record<string, string>;
  spec?: { template?: { spec?: { containers?: Container[]; volumes?: Array<{ name: string; configMap?: { name: string } }> } } };
}

export interface PodTemplate {
  namespace: string;
  image: string;
  args: string[];
  env: NonNullable<Container['env']>;
  /** mount path -> the ConfigMap's data. */
  configMaps: Array<{ mountPath: string; data: Record<string, string> }>;
}

/** The webhook container of the Deployment in the rendered documents, and the ConfigMaps it mounts. */
export function podTemplate(docs: readonly Doc[], deployment = 'nifi-ca-guard', container = 'webhook'): PodTemplate {
  const d = docs.find((o) => o.kind === 'Deployment' && o.metadata.name === deployment);
  const spec = d?.spec?.template?.spec;
  const c = spec?.containers?.find((x) => x.name === container);
  if (!d || !spec || !c) throw new Error(`no container ${container} in Deployment ${deployment}`);
  const configMaps = (c.volumeMounts ?? []).map((m) => {
    const volume = spec.volumes?.find((v) => v.name === m.name);
    if (!volume?.configMap) throw new Error(`volume ${m.name}: only ConfigMap volumes can be run on the host`);
    const cm = docs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume.configMap!.name);
    if (!cm) throw new Error(`ConfigMap ${volume.configMap.name} is not in the manifests`);
    return { mountPath: m.mountPath, data: cm.data ?? {} };
  });
  return { namespace: d.metadata.namespace ?? 'default', image: c.image ?? '', args: c.args ?? [], env: c.env ?? [], configMaps };
}

export interface ReplicaOptions {
  template: PodTemplate;
  podName: string;
  kubeconfig: string;
  /** Extra environment (NIFI_CA_GUARD_* settings the test shortens); flags in the args still win. */
  env?: Record<string, string>;
}

export class Replica {
  readonly logFile: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  port = 0;
  args: string[] = [];
  /** Size of the log file when the current process started: its own lines come after. */
  private logStart = 0;

  constructor(private readonly o: ReplicaOptions) {
    this.logFile = path.join(e2eEnv().stateDir, 'logs', `webhook-${o.podName}.log`);
  }

  get name(): string {
    return this.o.podName;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the process; resolves once it listens (its /healthz answers). */
  async start(): Promise<void> {
    if (this.child) throw new Error(`${this.name} already running`);
    this.port = await freePort();
    const dir = path.join(e2eEnv().stateDir, 'pods', this.name);
    const mounts = this.o.template.configMaps.map((c, i) => {
      const hostDir = path.join(dir, `volume-${i}`);
      fs.mkdirSync(hostDir, { recursive: true });
      for (const [k, v] of Object.entries(c.data)) fs.writeFileSync(path.join(hostDir, k), v);
      return { mountPath: c.mountPath.replace(/\/$/, ''), hostDir };
    });
    const args = this.o.template.args
      .filter((a) => !/^--(port|host)(=|$)/.test(a))
      .map((a) => {
        for (const m of mounts) a = a.replace(new RegExp(`(^|=)${escape(m.mountPath)}/`), `$1${m.hostDir}/`);
        return a;
      });
    if (this.o.template.args.some((a) => a === '--port' || a === '--host')) throw new Error('write --port=N and --host=H as one argument each');
    this.args = [...args, `--port=${this.port}`, '--host=127.0.0.1'];
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.o.env, KUBECONFIG: this.o.kubeconfig };
    for (const e of this.o.template.env) {
      if (e.value !== undefined) env[e.name] = e.value;
      else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name') env[e.name] = this.name;
      else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') env[e.name] = this.o.template.namespace;
      else throw new Error(`env ${e.name}: only values and the fieldRefs metadata.name/metadata.namespace can be run on the host`);
    }
    this.logStart = fs.existsSync(this.logFile) ? fs.statSync(this.logFile).size : 0;
    const log = fs.openSync(this.logFile, 'a');
    const child = spawnCli(this.args, { stdio: ['ignore', log, log], env });
    fs.closeSync(log);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    fs.appendFileSync(path.join(e2eEnv().stateDir, 'pids'), `${child.pid} webhook-${this.name}\n`);
    let gone = false;
    void this.exited.then(() => (gone = true));
    await eventually(`${this.name} listening on 127.0.0.1:${this.port}`, async () => {
      if (gone) throw new Error(`${this.name} exited; see ${this.logFile}`);
      return (await this.probe('/healthz')).status === 200 ? true : undefined;
    }, { timeoutMs: 20_000, intervalMs: 200 });
  }

  /** Waits until /readyz answers 200: the Secret's certificate is in use. */
  async waitReady(timeoutMs = 30_000): Promise<void> {
    await eventually(`${this.name} ready`, async () => {
      const r = await this.probe('/readyz');
      if (r.status === 200) return true;
      throw new Error(`/readyz ${r.status} ${r.body}`);
    }, { timeoutMs, intervalMs: 200 });
  }

  /** SIGTERM (graceful: a leader releases the Lease) or SIGKILL (a crash); waits for the exit. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill(signal);
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000).unref());
    if ((await Promise.race([this.exited, timeout])) === 'timeout') {
      child.kill('SIGKILL');
      await this.exited;
    }
    this.child = undefined;
  }

  /** An HTTPS GET as the kubelet's probes do it: the certificate is not checked. */
  probe(pathname: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: this.port, rejectUnauthorized: false, servername: 'localhost' }, () => {
        socket.write(`GET ${pathname} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
      });
      let text = '';
      socket.setEncoding('utf8').on('data', (d: string) => (text += d));
      socket.on('end', () => {
        const status = Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0);
        resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
      });
      socket.setTimeout(3000, () => socket.destroy(new Error('timeout')));
      socket.on('error', reject);
    });
  }

  /**
   * A TLS handshake as the API server makes it: the certificate must chain to `caBundle` and name
   * 127.0.0.1. Returns the served certificate and whether it was trusted.
   */
  handshake(caBundle: string): Promise<{ cert: X509Certificate; trusted: boolean; error?: string }> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: this.port, ca: caBundle || undefined, rejectUnauthorized: false }, () => {
        const peer = socket.getPeerX509Certificate();
        const authorized = socket.authorized;
        const error = socket.authorizationError?.toString();
        socket.destroy();
        if (!peer) return reject(new Error(`${this.name}: no peer certificate`));
        const named = peer.checkIP('127.0.0.1') !== undefined;
        resolve({ cert: peer, trusted: authorized && named, error: error ?? (named ? undefined : 'IP 127.0.0.1 not in the certificate') });
      });
      socket.setTimeout(3000, () => socket.destroy(new Error('timeout')));
      socket.on('error', reject);
    });
  }

  /** The log records (pino JSON) of the current (or last) process, oldest first. */
  records(): Array<Record<string, unknown>> {
    if (!fs.existsSync(this.logFile)) return [];
    return fs
      .readFileSync(this.logFile)
      .subarray(this.logStart)
      .toString('utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
