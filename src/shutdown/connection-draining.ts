import type { Server } from 'node:http';
import type { FastifyInstance } from 'fastify';

/**
 * The first step of a graceful shutdown: stop accepting connections and let the requests in
 * flight finish. Node's `server.close()` refuses new connections and closes the idle keep-alive
 * ones at once, but a connection busy when it was called stays open after its answer until the
 * keep-alive timeout (72 s in Fastify), so that the close would wait that long. While draining,
 * every answer says `Connection: close`, and any connection left idle after an answer is closed.
 */
export class ConnectionDraining {
  private draining = false;

  constructor(private readonly server: Server) {}

  install(fastify: FastifyInstance): void {
    fastify.addHook('onSend', async (_request, reply) => {
      if (this.draining) reply.header('connection', 'close');
    });
    fastify.addHook('onResponse', async () => {
      if (this.draining) this.server.closeIdleConnections();
    });
  }

  /** Resolves once the listener is closed and every connection has ended. Safe to call twice. */
  drain(): Promise<void> {
    this.draining = true;
    return new Promise((resolve) => {
      // ERR_SERVER_NOT_RUNNING (never listened, or already closed) means there is nothing to wait for.
      this.server.close(() => resolve());
    });
  }
}
