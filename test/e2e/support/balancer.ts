// A TCP round-robin balancer in front of the webhook replicas, playing the Service's part on loopback:
// the webhook configuration's URL points here, the replicas listen on ports of their own. TLS passes
// through untouched (each replica terminates it with its own certificate).
//
// A connection whose last bytes went to the client (a response) and that then stays silent for `idleMs`
// is closed: a keep-alive timeout, made short. The API server otherwise keeps one TLS connection open for
// the whole test and handshakes only when its caBundle changes; this way each admission is a fresh
// handshake, so every certificate change on the replicas is really met by the API server. A connection
// whose last bytes were a request is never cut. Go's HTTP client retries a request on a connection the
// peer closed while idle.
import net from 'node:net';

export interface Balancer {
  setBackends(ports: readonly number[]): void;
  /** Connections handed to each backend port so far. */
  connections(): Record<number, number>;
  close(): Promise<void>;
}

export async function startBalancer(port: number, idleMs = 100): Promise<Balancer> {
  let backends: number[] = [];
  let next = 0;
  const counts: Record<number, number> = {};
  const sockets = new Set<net.Socket>();

  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.pause();
    const tried = new Set<number>();
    const attempt = (): void => {
      const candidates = backends.filter((p) => !tried.has(p));
      if (candidates.length === 0) return void client.destroy();
      const target = candidates[next++ % candidates.length]!;
      tried.add(target);
      const upstream = net.connect({ host: '127.0.0.1', port: target });
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      let connected = false;
      upstream.once('error', () => {
        upstream.destroy();
        if (!connected) attempt(); // refused: the next backend
      });
      upstream.once('connect', () => {
        connected = true;
        counts[target] = (counts[target] ?? 0) + 1;
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        let lastFromServer = false;
        let lastAt = Date.now();
        client.on('data', () => ((lastFromServer = false), (lastAt = Date.now())));
        upstream.on('data', () => ((lastFromServer = true), (lastAt = Date.now())));
        client.pipe(upstream).pipe(client);
        client.resume();
        const idle = setInterval(() => {
          if (lastFromServer && Date.now() - lastAt >= idleMs) {
            client.destroy();
            upstream.destroy();
          }
        }, Math.max(10, idleMs / 4));
        const done = (): void => {
          clearInterval(idle);
          client.destroy();
          upstream.destroy();
        };
        client.on('close', done);
        upstream.on('close', done);
      });
    };
    attempt();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    setBackends: (ports) => {
      backends = [...ports];
    },
    connections: () => ({ ...counts }),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
