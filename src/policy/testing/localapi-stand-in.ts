import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A request the stand-in received, for tests to assert on (path with query, and the headers). */
export interface RecordedLocalApiRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

export interface LocalApiStandInOptions {
  /** Whois answers: address (IP, or exact `IP:PORT` / `[IPv6]:PORT`) → raw JSON text, sent as it is. */
  whois?: Record<string, string>;
  /** Certificate answers: domain → the PEM text of `?type=pair` (key, then certificate). */
  certificates?: Record<string, string>;
  /** Slow mode: every answer is held back this long (make it longer than the client's timeout). */
  delayMs?: number;
}

/**
 * A stand-in for tailscaled's LocalAPI (reference/tsidp.md §8.1): a real HTTP server on a unix
 * socket in a fresh temporary directory, answering whois and certificate requests from fixed
 * data and refusing requests the way tailscaled does (403 for a foreign Host or any Origin or
 * Referer). Like tailscaled, whois looks the address up by IP when no answer is registered for
 * the exact `IP:PORT`.
 */
export class LocalApiStandIn {
  readonly requests: RecordedLocalApiRequest[] = [];
  readonly whois: Map<string, string>;
  readonly certificates: Map<string, string>;
  delayMs: number;
  private readonly pending = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    private readonly directory: string,
    readonly socketPath: string,
    options: LocalApiStandInOptions,
  ) {
    this.whois = new Map(Object.entries(options.whois ?? {}));
    this.certificates = new Map(Object.entries(options.certificates ?? {}));
    this.delayMs = options.delayMs ?? 0;
  }

  static async start(options: LocalApiStandInOptions = {}): Promise<LocalApiStandIn> {
    const directory = await mkdtemp(join(tmpdir(), 'meshid-localapi-'));
    const socketPath = join(directory, 'tailscaled.sock');
    const server = createServer();
    const standIn = new LocalApiStandIn(server, directory, socketPath, options);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => standIn.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
    return standIn;
  }

  /**
   * A socket path where tailscaled is not running, in a fresh temporary directory: `missing` is
   * a path with nothing at it (ENOENT), `refusing` a file nobody listens on, as a socket left
   * behind by a dead tailscaled (ECONNREFUSED). Remove the returned directory when done.
   */
  static async deadSocket(kind: 'missing' | 'refusing'): Promise<{ socketPath: string; directory: string }> {
    const directory = await mkdtemp(join(tmpdir(), 'meshid-localapi-dead-'));
    const socketPath = join(directory, 'tailscaled.sock');
    if (kind === 'refusing') await writeFile(socketPath, '');
    return { socketPath, directory };
  }

  async close(): Promise<void> {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.directory, { recursive: true, force: true });
  }

  /** The whois requests received so far, as the `addr` values asked for. */
  whoisAddresses(): string[] {
    return this.requests
      .filter((request) => request.url.startsWith('/localapi/v0/whois'))
      .map((request) => new URL(request.url, 'http://local-tailscaled.sock').searchParams.get('addr') ?? '');
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    this.requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    const [status, body, type] = this.answer(request);
    const send = () => {
      response.writeHead(status, { 'Content-Type': type });
      response.end(body);
    };
    if (this.delayMs <= 0) return send();
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      if (!response.destroyed) send();
    }, this.delayMs);
    this.pending.add(timer);
  }

  private answer(request: IncomingMessage): [number, string, string] {
    const text = 'text/plain; charset=utf-8';
    const host = request.headers.host ?? '';
    if ((host !== '' && host !== 'local-tailscaled.sock') || request.headers.origin !== undefined || request.headers.referer !== undefined) {
      return [403, 'invalid localapi request\n', text];
    }
    const url = new URL(request.url ?? '/', 'http://local-tailscaled.sock');
    if (request.method !== 'GET') return [405, 'want GET\n', text];
    if (url.pathname === '/localapi/v0/whois') {
      const addr = url.searchParams.get('addr');
      if (addr === null || addr === '') return [400, "missing 'addr' parameter\n", text];
      const ip = ipOf(addr);
      if (ip === undefined) return [400, "invalid 'addr' parameter\n", text];
      const json = this.whois.get(addr) ?? this.whois.get(ip);
      return json === undefined ? [404, 'no match for IP:port\n', text] : [200, json, 'application/json'];
    }
    const cert = /^\/localapi\/v0\/cert\/([^/]+)$/.exec(url.pathname);
    if (cert !== null && url.searchParams.get('type') === 'pair') {
      const domain = decodeURIComponent(cert[1]!);
      const pair = this.certificates.get(domain);
      return pair === undefined ? [500, `cert for ${domain}: your Tailscale account does not support getting TLS certs\n`, text] : [200, pair, 'application/x-pem-file'];
    }
    return [404, '404 page not found\n', text];
  }
}

/** The IP of a whois `addr` (`IP`, `IP:PORT`, `[IPv6]:PORT`), or undefined if it is none of those. */
function ipOf(addr: string): string | undefined {
  if (isIP(addr) !== 0) return addr;
  const bracketed = /^\[([^\]]+)\]:\d{1,5}$/.exec(addr);
  if (bracketed !== null) return isIP(bracketed[1]!) === 6 ? bracketed[1] : undefined;
  const v4 = /^([\d.]+):\d{1,5}$/.exec(addr);
  return v4 !== null && isIP(v4[1]!) === 4 ? v4[1] : undefined;
}
