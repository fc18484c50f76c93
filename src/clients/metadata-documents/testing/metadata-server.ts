import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TEST_LOCALHOST_CERTIFICATE_PEM, TEST_LOCALHOST_KEY_PEM } from './test-certificate.js';

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * TEST-ONLY: an HTTPS server on 127.0.0.1 (an ephemeral port) with the test certificate for
 * localhost, serving a route per path and counting the requests each path received.
 */
export class MetadataServer {
  readonly hits = new Map<string, number>();
  private readonly routes = new Map<string, Route>();

  private constructor(private readonly server: Server) {
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const path = req.url ?? '/';
      this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
      const route = this.routes.get(path);
      if (route !== undefined) route(req, res);
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    });
  }

  static async start(): Promise<MetadataServer> {
    const server = createServer({ key: TEST_LOCALHOST_KEY_PEM, cert: TEST_LOCALHOST_CERTIFICATE_PEM });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new MetadataServer(server);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The URL of `path` on this server, with host `host` (localhost by default). */
  url(path: string, host = 'localhost'): string {
    return `https://${host}:${this.port}${path}`;
  }

  route(path: string, route: Route): this {
    this.routes.set(path, route);
    return this;
  }

  /** Serves `document` as application/json at `path`, with these extra headers. */
  json(path: string, document: unknown, headers: Record<string, string> = {}): this {
    return this.route(path, (_req, res) => res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(document)));
  }

  hitsOf(path: string): number {
    return this.hits.get(path) ?? 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
