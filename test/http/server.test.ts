import { expect } from 'chai';
import https from 'node:https';
import tls from 'node:tls';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, type RunningServer } from '../../src/http/server.js';
import { request } from '../support/https.js';
import { issueForTests, sharedPki } from '../support/pki.js';
import { eventually } from '../support/wait.js';

/** A handler whose /slow requests wait until released: in-flight work during close(). */
function slowHandler(): { handler: (req: IncomingMessage, res: ServerResponse) => void; release: () => void; arrived: Promise<void> } {
  let release = (): void => {};
  let arrivedResolve = (): void => {};
  const released = new Promise<void>((r) => (release = r));
  const arrived = new Promise<void>((r) => (arrivedResolve = r));
  return {
    release,
    arrived,
    handler: (req, res) => {
      if (req.url === '/slow') {
        arrivedResolve();
        void released.then(() => res.end('done'));
      } else {
        res.end('ok');
      }
    },
  };
}

describe('http/server: TLS settings and graceful close', () => {
  const pki = sharedPki();
  let srv: RunningServer | undefined;
  afterEach(async () => {
    srv?.server.closeAllConnections();
    await srv?.close();
    srv = undefined;
  });

  it('refuses TLS 1.1 and accepts TLS 1.2', async () => {
    srv = await listen({ host: '127.0.0.1', port: 0, tls: pki, handler: (_q, s) => s.end('ok') });
    const port = srv.port;
    const handshake = (maxVersion: tls.SecureVersion, minVersion: tls.SecureVersion) =>
      new Promise<string>((resolve, reject) => {
        const s = tls.connect({ host: '127.0.0.1', port, ca: pki.caCert, servername: 'localhost', minVersion, maxVersion }, () => {
          const v = s.getProtocol() ?? '';
          s.end();
          resolve(v);
        });
        s.on('error', reject);
      });
    expect(await handshake('TLSv1.2', 'TLSv1.2')).to.equal('TLSv1.2');
    let failed = false;
    await handshake('TLSv1.1', 'TLSv1').catch(() => (failed = true));
    expect(failed).to.equal(true);
  });

  it('finishes an in-flight keep-alive request, refuses new connections, then resolves close()', async () => {
    const slow = slowHandler();
    let closingCalled = false;
    srv = await listen({ host: '127.0.0.1', port: 0, tls: pki, handler: slow.handler, shutdownGraceMs: 60_000, onClosing: () => (closingCalled = true) });
    srv.server.keepAliveTimeout = 120_000; // beyond mocha's timeout: close() must not wait for it
    const port = srv.port;
    const agent = new https.Agent({ keepAlive: true });
    after(() => agent.destroy());
    const inFlight = request(port, { path: '/slow', ca: pki.caCert, agent });
    await slow.arrived;
    const closed = srv.close();
    expect(closingCalled).to.equal(true);
    expect(srv.close()).to.equal(closed); // idempotent
    const refused = await request(port, { path: '/', ca: pki.caCert }).then(
      () => '',
      (err: NodeJS.ErrnoException) => err.code ?? 'error',
    );
    expect(refused).to.equal('ECONNREFUSED');
    slow.release();
    const res = await inFlight;
    expect(res.status).to.equal(200);
    expect(res.text).to.equal('done');
    await closed; // the 60 s grace and 120 s keep-alive would time the test out if the drained connection stayed open
  });

  it('closes idle keep-alive connections once they have idled through the drain grace', async () => {
    srv = await listen({ host: '127.0.0.1', port: 0, tls: pki, handler: (_q, s) => s.end('ok'), shutdownGraceMs: 60_000 });
    const agent = new https.Agent({ keepAlive: true });
    try {
      const res = await request(srv.port, { path: '/', ca: pki.caCert, agent });
      expect(res.status).to.equal(200);
      await srv.close();
    } finally {
      agent.destroy();
    }
  });

  it('cuts requests still running when the grace period ends', async () => {
    const slow = slowHandler();
    srv = await listen({ host: '127.0.0.1', port: 0, tls: pki, handler: slow.handler, shutdownGraceMs: 100 });
    const inFlight = request(srv.port, { path: '/slow', ca: pki.caCert }).then(
      () => 'answered',
      (err: NodeJS.ErrnoException) => err.code ?? 'error',
    );
    await slow.arrived;
    await srv.close();
    expect(await inFlight).to.equal('ECONNRESET');
    slow.release();
  });

  it('reports a handshake the client aborts (it does not trust our CA)', async () => {
    const errors: Error[] = [];
    srv = await listen({ host: '127.0.0.1', port: 0, tls: pki, handler: (_q, s) => s.end('ok'), onTlsError: (e) => errors.push(e) });
    const other = issueForTests();
    const failed = await request(srv.port, { path: '/', ca: other.caCert }).then(
      () => '',
      (e: NodeJS.ErrnoException) => e.code ?? 'error',
    );
    expect(failed).to.equal('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    await eventually(() => expect(errors).to.have.length(1));
    expect((await request(srv.port, { path: '/', ca: pki.caCert })).status).to.equal(200);
  });

  it('rejects with EADDRINUSE when the port is taken', async () => {
    srv = await listen({ host: '127.0.0.1', port: 0, tls: pki, handler: (_q, s) => s.end() });
    const err = await listen({ host: '127.0.0.1', port: srv.port, tls: pki, handler: (_q, s) => s.end() }).then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e,
    );
    expect(err?.code).to.equal('EADDRINUSE');
  });
});
