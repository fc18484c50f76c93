import { request as httpRequest } from 'node:http';
import { parseWhoIs, type WhoIsResponse } from './whois-response.js';

/** The largest answer read from tailscaled; a whois answer is a few kilobytes, a certificate pair less. */
export const MAX_LOCALAPI_ANSWER_BYTES = 1024 * 1024;

/**
 * tailscaled could not be asked or gave an unusable answer. The message names the socket and
 * says what went wrong in words, since it ends up in the log of whoever runs meshid.
 */
export class LocalApiUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalApiUnavailableError';
  }
}

/** A TLS certificate for this node as tailscaled issues it: the chain and its private key, PEM. */
export interface CertificatePair {
  certificatePem: string;
  keyPem: string;
}

interface LocalApiAnswer {
  status: number;
  body: string;
}

/**
 * A client for the few LocalAPI calls meshid makes, over tailscaled's unix socket
 * (reference/tsidp.md §8.1). Each call has one deadline for the whole exchange (connect, request,
 * answer), after which the socket is destroyed: a wedged tailscaled must cost callers a 503,
 * not a hung sign-in. No Origin or Referer is ever sent: tailscaled refuses requests that carry
 * them, as a defence against DNS rebinding.
 */
export class LocalApiClient {
  constructor(
    readonly socketPath: string,
    readonly timeoutMs: number,
  ) {}

  /**
   * Who is at `addr` (`IP`, `IP:PORT` or `[IPv6]:PORT`): the parsed answer, or null when the
   * address is not on the tailnet (404).
   */
  async whois(addr: string): Promise<WhoIsResponse | null> {
    const answer = await this.get(`/localapi/v0/whois?addr=${encodeURIComponent(addr)}`, this.timeoutMs);
    if (answer.status === 404) return null;
    this.expectOk(answer, `whois for ${addr}`);
    try {
      return parseWhoIs(answer.body);
    } catch (error) {
      throw new LocalApiUnavailableError(`tailscaled on ${this.socketPath} answered whois for ${addr} with an unusable answer: ${(error as Error).message}`);
    }
  }

  /**
   * The certificate and key tailscaled holds (or obtains from Let's Encrypt) for `domain`, one
   * of this node's names. Issuance can take tens of seconds, hence a timeout of its own.
   */
  async certificatePair(domain: string, timeoutMs: number): Promise<CertificatePair> {
    const answer = await this.get(`/localapi/v0/cert/${encodeURIComponent(domain)}?type=pair`, timeoutMs);
    this.expectOk(answer, `the certificate for ${domain}`);
    const blocks = answer.body.match(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g) ?? [];
    const keys = blocks.filter((block) => /^-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(block));
    const certificates = blocks.filter((block) => block.startsWith('-----BEGIN CERTIFICATE-----'));
    if (keys.length !== 1 || certificates.length === 0) {
      throw new LocalApiUnavailableError(
        `tailscaled on ${this.socketPath} answered the certificate request for ${domain} with ${keys.length} private keys and ${certificates.length} certificates, not one key and a certificate chain`,
      );
    }
    return { certificatePem: certificates.join('\n') + '\n', keyPem: keys[0]! + '\n' };
  }

  private expectOk(answer: LocalApiAnswer, what: string): void {
    if (answer.status === 200) return;
    const detail = answer.body.trim().slice(0, 200);
    throw new LocalApiUnavailableError(`tailscaled on ${this.socketPath} answered ${answer.status} to the request for ${what}${detail === '' ? '' : `: ${detail}`}`);
  }

  /** One GET over the socket, settled exactly once: with the answer, or a LocalApiUnavailableError. */
  private get(path: string, timeoutMs: number): Promise<LocalApiAnswer> {
    return new Promise((resolve, reject) => {
      const request = httpRequest({ socketPath: this.socketPath, path, method: 'GET', agent: false, headers: { Host: 'local-tailscaled.sock' } });
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };
      const fail = (reason: string) =>
        settle(() => {
          request.destroy();
          reject(new LocalApiUnavailableError(reason));
        });
      const timer = setTimeout(() => fail(`tailscaled did not answer on ${this.socketPath} within ${timeoutMs} ms`), timeoutMs);

      request.on('error', (error) => fail(this.describe(error)));
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_LOCALAPI_ANSWER_BYTES) fail(`tailscaled on ${this.socketPath} sent an answer larger than 1 MiB`);
          else chunks.push(chunk);
        });
        response.on('error', (error) => fail(this.describe(error)));
        response.on('end', () => settle(() => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })));
        // After 'end' this is a no-op; before it, the connection died mid-answer.
        response.on('close', () => fail(`tailscaled on ${this.socketPath} closed the connection mid-answer`));
      });
      request.end();
    });
  }

  private describe(error: NodeJS.ErrnoException): string {
    switch (error.code) {
      case 'ENOENT':
        return `tailscaled's socket ${this.socketPath} does not exist (is tailscaled running, and is the socket mounted?)`;
      case 'ECONNREFUSED':
        return `nothing is listening on ${this.socketPath} (is tailscaled running?)`;
      case 'EACCES':
      case 'EPERM':
        return `meshid may not open ${this.socketPath} (permission denied)`;
      case 'ECONNRESET':
        return `tailscaled on ${this.socketPath} closed the connection without answering`;
      default:
        return `cannot talk to tailscaled on ${this.socketPath}: ${error.message}`;
    }
  }
}
