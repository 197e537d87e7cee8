// A TCP round-robin balancer in front of the webhook replicas, playing the Service's part on loopback:
// the webhook configuration's URL points here, the replicas listen on ports of their own. TLS passes
// through untouched (each replica terminates it with its own certificate).
//
// `closeAll()` cuts every connection. The API server otherwise keeps one TLS connection open for the
// whole test and handshakes again only when its caBundle changes; the pod stream calls it between two
// pods, when no admission is in flight, so each admission is a fresh handshake and every certificate
// change on the replicas is really met by the API server.
import net from 'node:net';

export interface Balancer {
  setBackends(ports: readonly number[]): void;
  /** Connections handed to each backend port so far. */
  connections(): Record<number, number>;
  /** Closes every open connection (call it only when no request is in flight). */
  closeAll(): void;
  close(): Promise<void>;
}

export async function startBalancer(port: number): Promise<Balancer> {
  let backends: number[] = [];
  let next = 0;
  const counts: Record<number, number> = {};
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };

  const server = net.createServer((client) => {
    track(client);
    client.pause();
    const tried = new Set<number>();
    const attempt = (): void => {
      const candidates = backends.filter((p) => !tried.has(p));
      if (candidates.length === 0) return void client.destroy();
      const target = candidates[next++ % candidates.length]!;
      tried.add(target);
      const upstream = net.connect({ host: '127.0.0.1', port: target });
      track(upstream);
      let connected = false;
      upstream.once('error', () => {
        upstream.destroy();
        if (!connected) attempt(); // refused: the next backend, as endpoints without that pod would
      });
      upstream.once('connect', () => {
        connected = true;
        counts[target] = (counts[target] ?? 0) + 1;
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        client.pipe(upstream).pipe(client);
        client.resume();
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
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
    closeAll: () => {
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
