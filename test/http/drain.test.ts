// Shutdown under load: keep-alive clients keep posting while close() runs. Every request must either
// be answered or refused at connect (ECONNREFUSED, the listener is gone); a reset means a request was
// cut, which the API server reports as a failed webhook call.
import { expect } from 'chai';
import https from 'node:https';
import { listen, type RunningServer } from '../../src/http/server.js';
import { sharedPki } from '../support/pki.js';

interface LoadResult {
  answered: number;
  closeHeaders: number;
  errors: Record<string, number>;
}

/** `clients` keep-alive loops, each posting until the server refuses it; close() runs after `closeAfter` answers. */
async function drainUnderLoad(clients: number, closeAfter: number): Promise<LoadResult> {
  const pki = sharedPki();
  // A little async work per request, so some are in flight when close() starts.
  const srv: RunningServer = await listen({
    host: '127.0.0.1',
    port: 0,
    tls: pki,
    handler: (req, res) => {
      req.resume();
      req.on('end', () => setTimeout(() => res.end('ok'), 2));
    },
    shutdownGraceMs: 20_000,
  });
  const agent = new https.Agent({ keepAlive: true, maxSockets: clients, ca: pki.caCert });
  const result: LoadResult = { answered: 0, closeHeaders: 0, errors: {} };
  let closing: Promise<void> | undefined;
  const post = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = https.request(
        { host: '127.0.0.1', port: srv.port, method: 'POST', path: '/', agent, servername: 'localhost', headers: { 'Content-Type': 'application/json' } },
        (res) => {
          res.resume();
          res.on('end', () => {
            result.answered++;
            if (res.headers.connection === 'close') result.closeHeaders++;
            if (result.answered >= closeAfter) closing ??= srv.close();
            resolve();
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end('{"kind":"AdmissionReview"}');
    });
  try {
    await Promise.all(
      Array.from({ length: clients }, async () => {
        for (;;) {
          try {
            await post();
          } catch (err) {
            const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
            result.errors[code] = (result.errors[code] ?? 0) + 1;
            if (code === 'ECONNREFUSED') return; // the listener is closed: this client is done
          }
        }
      }),
    );
    await closing;
  } finally {
    agent.destroy();
    srv.server.closeAllConnections();
  }
  return result;
}

describe('http/server: draining under keep-alive load', () => {
  for (const run of [1, 2, 3]) {
    it(`answers or refuses every request while closing, never resets one (run ${run})`, async () => {
      const r = await drainUnderLoad(24, 300);
      expect(r.answered).to.be.greaterThanOrEqual(300);
      const resets = Object.entries(r.errors).filter(([code]) => code !== 'ECONNREFUSED');
      expect(Object.fromEntries(resets), `answered ${r.answered}`).to.deep.equal({});
    });
  }
});
