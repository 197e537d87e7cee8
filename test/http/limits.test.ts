// The server's own bounds, with its defaults: a client that stalls at any stage is cut within the
// stage's timeout (bounds here are generous: they catch Node's 120 s handshake and ~31 s header
// defaults, not speed), weak TLS 1.2 suites are refused, and connections beyond the cap are dropped.
import { expect } from 'chai';
import net from 'node:net';
import tls from 'node:tls';
import { SERVER_LIMITS, fallbackHost, listen, type RunningServer } from '../../src/http/server.js';
import { sharedPki } from '../support/pki.js';
import { eventually } from '../support/wait.js';

/** Milliseconds until the server closes `socket`, and the first line it sent, if any. */
function untilClosed(socket: net.Socket): Promise<{ ms: number; firstLine: string }> {
  const t0 = Date.now();
  let firstLine = '';
  socket.on('data', (d: Buffer) => (firstLine ||= d.toString('latin1').split('\r\n')[0]!));
  socket.on('error', () => {});
  return new Promise((resolve) => socket.on('close', () => resolve({ ms: Date.now() - t0, firstLine })));
}

describe('http/server: limits under abuse', function () {
  this.timeout(60_000);
  const pki = sharedPki();
  let srv: RunningServer | undefined;
  afterEach(async () => {
    srv?.server.closeAllConnections();
    await srv?.close();
    srv = undefined;
  });

  it('cuts a TCP connection that never sends a TLS hello, and one that never sends a request, within their timeouts', async () => {
    srv = await listen({ host: '127.0.0.1', port: 0, tls: pki, handler: (_q, s) => s.end('ok'), shutdownGraceMs: 100 });
    expect(SERVER_LIMITS.handshakeTimeoutMs).to.be.at.most(10_000);
    expect(SERVER_LIMITS.headersTimeoutMs).to.be.at.most(10_000);
    const raw = untilClosed(net.connect(srv.port, '127.0.0.1'));
    const silent = tls.connect({ port: srv.port, host: '127.0.0.1', ca: pki.caCert, servername: 'localhost' });
    const idle = untilClosed(silent);
    const partial = tls.connect({ port: srv.port, host: '127.0.0.1', ca: pki.caCert, servername: 'localhost' }, () => partial.write('POST /mutate HTTP/1.1\r\nHost: x\r\n'));
    const slowHeaders = untilClosed(partial);
    // Node's defaults: 120 s for the handshake, ~31 s for a 10 s header timeout.
    expect((await raw).ms, 'no TLS hello').to.be.below(25_000);
    const [i, p] = await Promise.all([idle, slowHeaders]);
    expect(i.ms, 'no request').to.be.below(25_000);
    expect(p.ms, 'headers never finished').to.be.below(25_000);
    expect(p.firstLine).to.equal('HTTP/1.1 408 Request Timeout');
  });

  const handshake = (port: number, o: tls.ConnectionOptions): Promise<string> =>
    new Promise((resolve) => {
      const s = tls.connect({ port, host: '127.0.0.1', ca: pki.caCert, servername: 'localhost', ...o }, () => {
        resolve(`${s.getProtocol()} ${s.getCipher().name}`);
        s.end();
      });
      s.on('error', () => resolve('refused'));
    });

  it('offers TLS 1.2 only with ECDHE and an AEAD cipher, and TLS 1.3', async () => {
    srv = await listen({ host: '127.0.0.1', port: 0, tls: pki, handler: (_q, s) => s.end('ok') });
    const port = srv.port;
    const tls12 = { maxVersion: 'TLSv1.2' as const };
    for (const weak of ['AES128-SHA', 'AES256-GCM-SHA384', 'ECDHE-RSA-AES128-SHA', 'ECDHE-RSA-AES256-SHA384', 'DHE-RSA-AES128-GCM-SHA256']) {
      expect(await handshake(port, { ...tls12, ciphers: weak }), weak).to.equal('refused');
    }
    for (const strong of ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305']) {
      expect(await handshake(port, { ...tls12, ciphers: strong }), strong).to.equal(`TLSv1.2 ${strong}`);
    }
    expect(await handshake(port, { minVersion: 'TLSv1.3' })).to.match(/^TLSv1\.3 TLS_/);
  });

  it('drops connections beyond maxConnections at accept and reports each, then accepts again when one closes', async () => {
    let drops = 0;
    srv = await listen({ host: '127.0.0.1', port: 0, tls: pki, handler: (_q, s) => s.end('ok'), limits: { maxConnections: 3 }, onDrop: () => drops++ });
    const port = srv.port;
    const open: tls.TLSSocket[] = [];
    for (let i = 0; i < 3; i++) {
      const s = tls.connect({ port, host: '127.0.0.1', ca: pki.caCert, servername: 'localhost' });
      await new Promise((r) => s.once('secureConnect', r));
      open.push(s);
    }
    expect(await handshake(port, {})).to.equal('refused');
    expect(drops).to.equal(1);
    open.pop()!.destroy();
    await eventually(async () => expect(await handshake(port, {})).to.match(/^TLSv1\.3/));
    for (const s of open) s.destroy();
  });

  it('answers on ::1 and 127.0.0.1 when listening on ::', async () => {
    srv = await listen({ host: '::', port: 0, tls: pki, handler: (_q, s) => s.end('ok') });
    expect(srv.url).to.equal(`https://[::]:${srv.port}`);
    for (const host of ['::1', '127.0.0.1']) {
      expect(await handshake(srv.port, { host }), host).to.match(/^TLSv1\.3/);
    }
  });

  it('falls back from :: to 0.0.0.0 only when the host has no IPv6', () => {
    expect(fallbackHost('::', 'EAFNOSUPPORT')).to.equal('0.0.0.0');
    expect(fallbackHost('::', 'EADDRNOTAVAIL')).to.equal('0.0.0.0');
    expect(fallbackHost('::', 'EADDRINUSE')).to.equal(undefined);
    expect(fallbackHost('127.0.0.1', 'EAFNOSUPPORT')).to.equal(undefined);
  });
});
