import https from 'node:https';
import type { RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

export interface ServerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  tls: { cert: string; key: string };
  handler: RequestListener;
  /** How long in-flight requests may run after close() before their connections are cut. */
  shutdownGraceMs?: number;
  /** Called first thing in close(), e.g. to turn /readyz to 503. */
  onClosing?: () => void;
  /** A failed handshake, e.g. the API server rejecting our certificate (a wrong caBundle). */
  onTlsError?: (err: Error) => void;
  /** A server error after listening (e.g. EMFILE on accept); without a listener it would crash the process. */
  onError?: (err: Error) => void;
}

export interface RunningServer {
  server: https.Server;
  port: number;
  url: string;
  /** Stops accepting, lets in-flight requests finish, then cuts what is left after the grace. Idempotent. */
  close(): Promise<void>;
}

export function listen(options: ServerOptions): Promise<RunningServer> {
  const server = https.createServer(
    {
      cert: options.tls.cert,
      key: options.tls.key,
      minVersion: 'TLSv1.2',
      // The API server gives a webhook at most 30 s; nothing legitimate is slower.
      requestTimeout: 30_000,
      headersTimeout: 10_000,
    },
    options.handler,
  );
  let closing: Promise<void> | undefined;
  server.on('tlsClientError', (err) => options.onTlsError?.(err));

  server.on('request', (_req, res) => {
    // A keep-alive connection whose last request ends while draining would otherwise idle until keepAliveTimeout.
    res.on('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });

  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      options.onClosing?.();
      const timer = setTimeout(() => server.closeAllConnections(), options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
      timer.unref();
      server.close(() => {
        clearTimeout(timer);
        resolve();
      });
      server.closeIdleConnections();
    });
    return closing;
  };

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      server.on('error', (err) => options.onError?.(err));
      const { port } = server.address() as AddressInfo;
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      resolve({ server, port, url: `https://${host}:${port}`, close });
    });
  });
}
