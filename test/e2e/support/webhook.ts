// The webhook process, from the build (node dist/src/main.js), serving on 127.0.0.1 only.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { e2eEnv, REPO_ROOT } from './env.js';
import { eventually } from './wait.js';

const MAIN = path.join(REPO_ROOT, 'dist/src/main.js');

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`nifi-ca-guard ${args.join(' ')} exited ${code}: ${stderr.trim()}`))));
  });
}

export class WebhookProcess {
  readonly port: number;
  readonly certDir: string;
  readonly logFile: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private caPem = '';

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
   * Starts `serve` with the given policy file and waits until /readyz answers 200. With
   * `watchPolicies`, it also watches the cluster's NiFiTrustPolicy objects, reaching the API server
   * through the suite's kubeconfig (KUBECONFIG).
   */
  async start(policyFile: string, opts: { watchPolicies?: boolean } = {}): Promise<void> {
    if (this.child) throw new Error('webhook already running');
    const log = fs.openSync(this.logFile, 'a');
    const args = [MAIN, 'serve', '--port', String(this.port), '--host', '127.0.0.1',
      '--tls-cert', path.join(this.certDir, 'tls.crt'), '--tls-key', path.join(this.certDir, 'tls.key'),
      '--policy', policyFile,
      // The suite stops and restarts the webhook on purpose: no drain delay (its default is 3 s).
      '--shutdown-delay-ms', '0'];
    if (opts.watchPolicies) args.push('--watch-policies');
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', log, log],
      env: { ...process.env, KUBECONFIG: e2eEnv().kubeconfig, NIFI_CA_GUARD_SHUTDOWN_GRACE_MS: '1000' },
    });
    fs.closeSync(log);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    // Recorded like every control-plane process, so hack/e2e/down.sh stops it even if mocha dies.
    fs.appendFileSync(path.join(e2eEnv().stateDir, 'pids'), `${child.pid} webhook\n`);
    let exitedEarly = false;
    void this.exited.then(() => (exitedEarly = true));
    await eventually(`webhook /readyz on 127.0.0.1:${this.port}`, async () => {
      if (exitedEarly) throw new Error(`webhook exited; see ${this.logFile}`);
      return (await this.get('/readyz')) === 200 ? true : undefined;
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

  async restart(policyFile: string, opts: { watchPolicies?: boolean } = {}): Promise<void> {
    await this.stop();
    await this.start(policyFile, opts);
  }

  /** GET over HTTPS to the webhook, verifying its certificate against the generated CA. */
  get(pathname: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = https.get({ host: '127.0.0.1', port: this.port, path: pathname, ca: this.caPem, servername: 'localhost', timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
    });
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
