import https from 'node:https';
import type { RequestListener } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ConnectionTracker } from './connections.js';
import { TLS12_CIPHERS, TLS_MIN_VERSION } from './tls-policy.js';

export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/** What one replica holds open at most, and how long it waits for each stage of a request. */
export interface ServerLimits {
  /** Connections beyond this are dropped at accept: each TLS connection holds ~tens of KiB of native memory. */
  maxConnections: number;
  /** A client that has not finished its TLS handshake by then is cut (Node's default: 120 s). */
  handshakeTimeoutMs: number;
  /** Request line and headers must arrive within this; then 408 and close. */
  headersTimeoutMs: number;
  /** The whole request, body included (the API server gives a webhook at most 30 s). */
  requestTimeoutMs: number;
  /**
   * An idle keep-alive connection is closed after this. Longer than the API server's own idle timeout
   * (Go's 90 s), so the client closes first: a server closing an idle connection can race a POST the
   * client just wrote on it, and Go does not retry a POST.
   */
  keepAliveTimeoutMs: number;
  /** How often Node checks the two timeouts above; its default (30 s) lets a 10 s header timeout fire at ~31 s. */
  timeoutCheckIntervalMs: number;
  /** While draining, a connection with nothing in flight for this long is closed; busier ones get `Connection: close`. */
  drainIdleMs: number;
}

export const SERVER_LIMITS: Readonly<ServerLimits> = Object.freeze({
  maxConnections: 1000,
  handshakeTimeoutMs: 5_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 100_000,
  timeoutCheckIntervalMs: 1_000,
  drainIdleMs: 1_000,
});

export interface ServerOptions {
  /** `::` listens dual-stack and falls back to 0.0.0.0 where the host has no IPv6. */
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  tls: { cert: string; key: string };
  handler: RequestListener;
  limits?: Partial<ServerLimits>;
  /** How long in-flight requests may run after close() before their connections are cut. */
  shutdownGraceMs?: number;
  /** Called first thing in close(), e.g. to turn /readyz to 503. */
  onClosing?: () => void;
  /** A failed handshake, e.g. the API server rejecting our certificate (a wrong caBundle). */
  onTlsError?: (err: Error) => void;
  /** A connection refused because maxConnections are open. */
  onDrop?: () => void;
  /** A server error after listening (e.g. EMFILE on accept); without a listener it would crash the process. */
  onError?: (err: Error) => void;
}

export interface RunningServer {
  server: https.Server;
  /** The address listened on: `host`, or 0.0.0.0 after a fallback from `::`. */
  host: string;
  port: number;
  url: string;
  limits: Readonly<ServerLimits>;
  /** Stops accepting, lets in-flight requests finish, then cuts what is left after the grace. Idempotent. */
  close(): Promise<void>;
}

const ANY_IPV6 = '::';
const ANY_IPV4 = '0.0.0.0';

/** Where to listen after `host` failed with `code`: only the IPv6 wildcard has a fallback (IPv6 disabled). */
export function fallbackHost(host: string, code: string | undefined): string | undefined {
  return host === ANY_IPV6 && (code === 'EAFNOSUPPORT' || code === 'EADDRNOTAVAIL') ? ANY_IPV4 : undefined;
}

export async function listen(options: ServerOptions): Promise<RunningServer> {
  const limits: Readonly<ServerLimits> = Object.freeze({ ...SERVER_LIMITS, ...options.limits });
  const server = https.createServer(
    {
      cert: options.tls.cert,
      key: options.tls.key,
      minVersion: TLS_MIN_VERSION,
      ciphers: TLS12_CIPHERS.join(':'),
      handshakeTimeout: limits.handshakeTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.timeoutCheckIntervalMs,
    },
    options.handler,
  );
  server.maxConnections = limits.maxConnections;
  server.on('drop', () => options.onDrop?.());
  server.on('tlsClientError', (err) => options.onTlsError?.(err));
  const tracker = new ConnectionTracker(server);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  let closing: Promise<void> | undefined;
  server.prependListener('request', (_req, res) => {
    // Draining: this answer is the connection's last, so the client opens its next one elsewhere.
    if (closing) res.setHeader('Connection', 'close');
  });

  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      options.onClosing?.();
      const hardStop = setTimeout(() => {
        server.closeAllConnections();
        for (const s of sockets) s.destroy(); // handshakes still under way too
      }, options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
      hardStop.unref();
      const sweep = setInterval(() => tracker.endIdle(limits.drainIdleMs), Math.max(10, limits.drainIdleMs / 4));
      sweep.unref();
      // http's close() starts with closeIdleConnections(), which destroys a connection accepted a
      // moment ago whose request is on its way (a reset for that client); the sweep above ends
      // idle connections instead, once they really are idle.
      server.closeIdleConnections = () => {};
      server.close(() => {
        clearTimeout(hardStop);
        clearInterval(sweep);
        resolve();
      });
      tracker.endIdle(limits.drainIdleMs);
    });
    return closing;
  };

  let host = options.host;
  try {
    await bind(server, options.port, host);
  } catch (err) {
    const fallback = fallbackHost(host, (err as NodeJS.ErrnoException).code);
    if (fallback === undefined) throw err;
    host = fallback;
    await bind(server, options.port, host);
  }
  server.on('error', (err) => options.onError?.(err));
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return { server, host, port, url: `https://${urlHost}:${port}`, limits, close };
}

function bind(server: https.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
