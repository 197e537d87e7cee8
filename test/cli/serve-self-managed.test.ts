// `serve --tls-mode self-managed` with no API server to talk to: it listens (probes get an answer),
// stays not ready with a placeholder certificate, retries with backoff and logs each failure once.
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { runCli, startServe, type ServeProcess } from '../support/cli.js';

/** A GET as the kubelet's probes make it: the certificate is not checked. */
function probe(port: number, path: string): Promise<{ status: number; body: string; issuer: string }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    });
    let text = '';
    socket.setEncoding('utf8').on('data', (d: string) => (text += d));
    socket.on('end', () => {
      const issuer = socket.getPeerX509Certificate()?.issuer ?? '';
      resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0), body: text.slice(text.indexOf('\r\n\r\n') + 4), issuer });
    });
    socket.on('error', reject);
  });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe('cli: serve --tls-mode self-managed without a reachable API server', function () {
  this.timeout(30_000);
  let proc: ServeProcess | undefined;

  afterEach(async () => {
    if (proc && proc.child.exitCode === null && proc.child.signalCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
    proc = undefined;
  });

  it('listens with a placeholder, /readyz 503 "certificate not loaded", each failure logged once over many retries, exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serve-self-managed-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, [
      'apiVersion: v1', 'kind: Config',
      `clusters: [{name: c, cluster: {server: "https://127.0.0.1:${await closedPort()}", insecure-skip-tls-verify: true}}]`,
      'users: [{name: u, user: {token: not-a-real-token}}]',
      'contexts: [{name: x, context: {cluster: c, user: u}}]', 'current-context: x', '',
    ].join('\n'));
    proc = await startServe(['--host', '127.0.0.1', '--port', '0', '--tls-mode', 'self-managed', '--shutdown-delay-ms', '0'], {
      KUBECONFIG: kubeconfig,
      POD_NAME: 'nifi-ca-guard-test',
      NIFI_CA_GUARD_TLS_SYNC_INTERVAL: '50ms',
      NIFI_CA_GUARD_TLS_ROLLOUT_DELAY: '1s',
      NIFI_CA_GUARD_LEASE_DURATION: '1s',
    });
    const ready = await probe(proc.port, '/readyz');
    expect(ready.status).to.equal(503);
    expect(JSON.parse(ready.body).problems).to.include('certificate not loaded');
    expect(ready.issuer).to.include('placeholder');
    expect((await probe(proc.port, '/healthz')).status).to.equal(200);

    await new Promise((r) => setTimeout(r, 2000)); // sync retries at 50, 100, 200, 200 ... ms; the Lease every ~170 ms
    const records = proc.stderr().trim().split('\n').map((l) => JSON.parse(l) as { msg: string; error?: string });
    const count = (msg: string): number => records.filter((r) => r.msg === msg).length;
    expect(count('reading the TLS Secret failing; retrying'), 'one line for many failed reads').to.equal(1);
    expect(count('leader election failing; retrying'), 'one line for many failed Lease reads').to.equal(1);
    expect(records.find((r) => r.msg === 'reading the TLS Secret failing; retrying')?.error).to.match(/ECONNREFUSED/);
    expect(records.find((r) => r.msg === 'listening')).to.include({ tlsMode: 'self-managed', identity: 'nifi-ca-guard-test', secret: 'nifi-ca-guard/nifi-ca-guard-tls' });

    proc.child.kill('SIGTERM');
    expect((await proc.exited).code).to.equal(0);
  });

  const bad: Array<[string, string[], RegExp]> = [
    ['an unknown mode', ['--tls-mode', 'auto'], /^nifi-ca-guard: --tls-mode: must be one of file, self-managed, got "auto"\n$/],
    ['a duration without unit', ['--tls-mode', 'self-managed', '--tls-sync-interval', '5'], /^nifi-ca-guard: --tls-sync-interval: must be a duration such as 250ms, 90s, 5m, 2h or 365d, at least 50 ms, got "5"\n$/],
    ['a rollout delay too short for the sync interval', ['--tls-sync-interval', '10s', '--tls-rollout-delay', '20s'], /^nifi-ca-guard: --tls-rollout-delay: must be at least 5 times --tls-sync-interval\n$/],
  ];
  for (const [name, args, message] of bad) {
    it(`refuses ${name}: exit 1, one line, no stack`, async () => {
      const r = await runCli(['serve', '--port', '0', ...args]);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(message);
    });
  }
});
