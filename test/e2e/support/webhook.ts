// The webhook process, from the build (node dist/src/main.js), serving on 127.0.0.1 only.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { e2eEnv } from './env.js';
import { runCli, spawnCli } from '../../support/cli.js';
import { eventually } from './wait.js';

async function run(args: string[]): Promise<void> {
  const r = await runCli(args, { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`nifi-ca-guard ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
}

export interface StartOptions {
  watchPolicies?: boolean;
  /** KUBECONFIG for the watching webhook; required with watchPolicies. */
  kubeconfig?: string;
  /** false: wait for /healthz only (the process listens), not for /readyz. Default true. */
  waitReady?: boolean;
  /** More NIFI_CA_GUARD_* settings for this process (e.g. a short --follow-policies-interval). */
  env?: Record<string, string>;
}

export class WebhookProcess {
  readonly port: number;
  readonly certDir: string;
  readonly logFile: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private caPem = '';
  /** Size of the log file when the current process started: its own lines come after. */
  private logStart = 0;

  constructor() {
    const env = e2eEnv();
    this.port = env.webhookPort;
    this.certDir = path.join(env.stateDir, 'webhook');
    this.logFile = path.join(env.stateDir, 'logs', 'webhook.log');
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}/mutate`;
  }

  /** base64 of the CA certificate that signed the serving certificate, for clientConfig.caBundle. */
  get caBundle(): string {
    return Buffer.from(this.caPem).toString('base64');
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Generates the serving certificate with the webhook's own `certs` command (SANs include 127.0.0.1). */
  async issueCertificates(): Promise<void> {
    fs.mkdirSync(this.certDir, { recursive: true });
    await run(['certs', '--out', this.certDir]);
    this.caPem = fs.readFileSync(path.join(this.certDir, 'ca.crt'), 'utf8');
  }

  /**
   * Starts `serve` with the given policy file and waits until /readyz answers 200 (or, with
   * `waitReady: false`, only until /healthz does: the process listens). With `watchPolicies`, it
   * also watches the cluster's NiFiTrustPolicy objects, reaching the API server through `kubeconfig`
   * (KUBECONFIG; the suite passes the webhook ServiceAccount's, see service-account.ts). Without
   * `watchPolicies` it gets no kubeconfig at all: serving needs no API access.
   */
  async start(policyFile: string, opts: StartOptions = {}): Promise<void> {
    if (this.child) throw new Error('webhook already running');
    if (opts.watchPolicies && !opts.kubeconfig) throw new Error('watchPolicies needs a kubeconfig');
    const log = fs.openSync(this.logFile, 'a');
    const args = ['serve', '--port', String(this.port), '--host', '127.0.0.1',
      '--tls-cert', path.join(this.certDir, 'tls.crt'), '--tls-key', path.join(this.certDir, 'tls.key'),
      '--policy', policyFile,
      // The suite stops and restarts the webhook on purpose: no drain delay (its default is 3 s).
      '--shutdown-delay-ms', '0'];
    if (opts.watchPolicies) args.push('--watch-policies');
    // KUBECONFIG undefined: left out of the child's environment (spawn skips undefined values).
    const env: NodeJS.ProcessEnv = { NIFI_CA_GUARD_SHUTDOWN_GRACE_MS: '1000', ...opts.env, KUBECONFIG: opts.watchPolicies ? opts.kubeconfig : undefined };
    this.logStart = fs.existsSync(this.logFile) ? fs.statSync(this.logFile).size : 0;
    const child = spawnCli(args, { stdio: ['ignore', log, log], env });
    fs.closeSync(log);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    // Recorded like every control-plane process, so hack/e2e/down.sh stops it even if mocha dies.
    fs.appendFileSync(path.join(e2eEnv().stateDir, 'pids'), `${child.pid} webhook\n`);
    let exitedEarly = false;
    void this.exited.then(() => (exitedEarly = true));
    const probe = opts.waitReady === false ? '/healthz' : '/readyz';
    await eventually(`webhook ${probe} on 127.0.0.1:${this.port}`, async () => {
      if (exitedEarly) throw new Error(`webhook exited; see ${this.logFile}`);
      const r = await this.getBody(probe);
      if (r.status === 200) return true;
      throw new Error(`${probe} ${r.status} ${r.body}`); // on timeout, says why (e.g. "cluster policies not synced")
    }, { timeoutMs: 20_000, intervalMs: 200 });
  }

  /** SIGTERM, then waits (bounded) for the process to exit; SIGKILL past the deadline. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000).unref());
    if ((await Promise.race([this.exited, timeout])) === 'timeout') {
      child.kill('SIGKILL');
      await this.exited;
    }
    this.child = undefined;
  }

  async restart(policyFile: string, opts: StartOptions = {}): Promise<void> {
    await this.stop();
    await this.start(policyFile, opts);
  }

  /** GET over HTTPS to the webhook, verifying its certificate against the generated CA: the status. */
  async get(pathname: string): Promise<number> {
    return (await this.getBody(pathname)).status;
  }

  /** GET over HTTPS to the webhook, verifying its certificate against the generated CA. */
  getBody(pathname: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = https.get({ host: '127.0.0.1', port: this.port, path: pathname, ca: this.caPem, servername: 'localhost', timeout: 2000 }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
    });
  }

  /** /readyz: its status and the problems it names. */
  async readyz(): Promise<{ status: number; problems: string[] }> {
    const r = await this.getBody('/readyz');
    return { status: r.status, problems: (JSON.parse(r.body) as { problems?: string[] }).problems ?? [] };
  }

  /** The log records (pino JSON) the current (or last) process wrote, oldest first. */
  records(): Array<Record<string, unknown>> {
    if (!fs.existsSync(this.logFile)) return [];
    const text = fs.readFileSync(this.logFile).subarray(this.logStart).toString('utf8');
    const out: Array<Record<string, unknown>> = [];
    for (const line of text.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        out.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log record
      }
    }
    return out;
  }

  /** Admission log lines the webhook wrote (pino JSON, msg "admission"), oldest first. */
  admissions(): Array<{ namespace?: string; podName?: string; role?: string; dryRun?: boolean }> {
    if (!fs.existsSync(this.logFile)) return [];
    const out: Array<{ namespace?: string; podName?: string; role?: string; dryRun?: boolean }> = [];
    for (const line of fs.readFileSync(this.logFile, 'utf8').split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const rec = JSON.parse(line) as { msg?: string; namespace?: string; podName?: string; role?: string; dryRun?: boolean };
        if (rec.msg === 'admission') out.push(rec);
      } catch {
        // not a log record
      }
    }
    return out;
  }
}
