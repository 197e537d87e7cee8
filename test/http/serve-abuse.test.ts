// `serve` as wired by the CLI (startWebhook, in process): its defaults and its handling of abuse.
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { startWebhook, type Webhook } from '../../src/cli/serve-run.js';
import { resolveConfig, type ConfigFlags } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { LogCapture } from '../support/logs.js';
import { request } from '../support/https.js';
import { sharedPki } from '../support/pki.js';

describe('serve: defaults and abuse, wired as the CLI wires them', function () {
  this.timeout(60_000);
  const pki = sharedPki();
  const dir = mkdtempSync(join(tmpdir(), 'serve-abuse-'));
  writeFileSync(join(dir, 'tls.crt'), pki.cert);
  writeFileSync(join(dir, 'tls.key'), pki.key);
  let webhook: Webhook | undefined;
  let logs: LogCapture;
  afterEach(async () => {
    await webhook?.close();
    webhook = undefined;
  });

  const start = async (flags: ConfigFlags = {}): Promise<number> => {
    logs = new LogCapture();
    const config = resolveConfig({ port: '0', tlsCert: join(dir, 'tls.crt'), tlsKey: join(dir, 'tls.key'), ...flags }, {});
    webhook = await startWebhook(config, createLogger('info', logs));
    return Number(new URL(webhook.url).port);
  };

  const handshake = (port: number, o: tls.ConnectionOptions = {}): Promise<string> =>
    new Promise((resolve) => {
      const s = tls.connect({ port, host: '127.0.0.1', ca: pki.caCert, servername: 'localhost', ...o }, () => {
        resolve(String(s.getProtocol()));
        s.end();
      });
      s.on('error', (e: NodeJS.ErrnoException) => resolve(`refused ${e.code ?? ''}`));
    });

  it('listens on :: by default and answers on ::1 and 127.0.0.1', async () => {
    const port = await start();
    expect(webhook!.url).to.equal(`https://[::]:${port}`);
    for (const host of ['::1', '127.0.0.1']) expect(await handshake(port, { host }), host).to.equal('TLSv1.3');
  });

  it('logs a cipher scan in a few lines and counts every failed handshake', async () => {
    const port = await start();
    for (let i = 0; i < 40; i++) await handshake(port, { maxVersion: 'TLSv1.2', ciphers: i % 2 ? 'AES128-SHA' : 'ECDHE-RSA-AES128-SHA' });
    const metrics = (await request(port, { path: '/metrics', ca: pki.caCert })).text;
    expect(metrics).to.match(/^nifi_ca_guard_tls_handshake_failures_total 40$/m);
    await webhook!.close();
    webhook = undefined;
    const lines = logs.records().filter((r) => String(r.msg).startsWith('tls handshake failed'));
    expect(lines).to.have.length(11);
    expect(lines.at(-1)).to.include({ msg: 'tls handshake failed (more not logged)', notLogged: 30 });
  });

  it('drops connections beyond --max-connections, counted and logged', async () => {
    const port = await start({ maxConnections: '2' });
    const held = [tls.connect({ port, host: '127.0.0.1', ca: pki.caCert, servername: 'localhost' }), tls.connect({ port, host: '127.0.0.1', ca: pki.caCert, servername: 'localhost' })];
    await Promise.all(held.map((s) => new Promise((r) => s.once('secureConnect', r))));
    expect(await handshake(port)).to.match(/^refused/);
    for (const s of held) s.destroy();
    const metrics = await (async () => {
      for (;;) {
        const res = await request(port, { path: '/metrics', ca: pki.caCert }).catch(() => undefined);
        if (res) return res.text;
      }
    })();
    expect(metrics).to.match(/^nifi_ca_guard_connections_dropped_total 1$/m);
    expect(logs.records().some((r) => r.msg === 'connection dropped: --max-connections open')).to.equal(true);
  });

  it('is ready once listening with policy and certificate in use', async () => {
    const port = await start();
    const res = await request(port, { path: '/readyz', ca: pki.caCert });
    expect(res.json()).to.deep.equal({ status: 'ready', problems: [] });
  });
});
