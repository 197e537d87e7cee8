import type { Socket } from 'node:net';
import type { Server } from 'node:https';

interface ConnectionState {
  /** Requests received and not yet answered (more than one only with pipelining). */
  active: number;
  /** When the connection last had nothing in flight (accept time for a fresh one). */
  idleSince: number;
}

/**
 * Tracks each TLS connection's requests, so a drain can tell a connection that is really idle from one
 * accepted a moment ago whose request is on its way. Node's closeIdleConnections() cannot: it destroys
 * both, and the second one's client sees a reset.
 */
export class ConnectionTracker {
  readonly #conns = new Map<Socket, ConnectionState>();

  constructor(server: Server, private readonly now: () => number = Date.now) {
    server.on('secureConnection', (socket: Socket) => {
      this.#conns.set(socket, { active: 0, idleSince: this.now() });
      socket.once('close', () => this.#conns.delete(socket));
    });
    // Prepended: counted before the handler runs, whatever it does.
    server.prependListener('request', (req, res) => {
      const state = this.#conns.get(req.socket);
      if (!state) return;
      state.active++;
      res.once('close', () => {
        state.active--;
        state.idleSince = this.now();
      });
    });
  }

  get size(): number {
    return this.#conns.size;
  }

  /**
   * Ends every connection with nothing in flight for at least `idleMs`; returns how many are left.
   * A client may still pick such a connection at that very moment (HTTP/1.1 cannot rule it out), but
   * one that has sat idle through a drain's grace is not about to be used.
   */
  endIdle(idleMs: number): number {
    const cutoff = this.now() - idleMs;
    for (const [socket, state] of this.#conns) {
      if (state.active === 0 && state.idleSince <= cutoff) socket.destroySoon();
    }
    return this.#conns.size;
  }
}
