import { X509Certificate } from 'node:crypto';
import { createSecureContext, type SecureContext } from 'node:tls';
import { Logger } from '@nestjs/common';
import type { CertificatePair, LocalApiClient } from './localapi-client.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Renew once the certificate has less than this left (Let's Encrypt certificates last 90 days). */
export const CERTIFICATE_RENEW_BEFORE_MS = 14 * DAY_MS;
/** How often the expiry is looked at; the check itself is free, this just bounds refresh attempts. */
export const CERTIFICATE_CHECK_INTERVAL_MS = 12 * 60 * 60 * 1000;
/** Issuing a certificate means an ACME exchange through tailscaled: allow it time. */
export const CERTIFICATE_TIMEOUT_MS = 60_000;

/**
 * The HTTPS certificate tailscaled issues for meshid's host name (MESHID_TLS=tailscale), as a
 * TLS context for the server's SNICallback. It is fetched once at start; afterwards, when a
 * handshake finds the certificate near its end, a new one is fetched in the background while
 * the current one keeps serving, so no timer runs and a failed renewal costs only a warning.
 */
export class TailscaleCertificates {
  private readonly logger = new Logger('Tailscale');
  private context: SecureContext | undefined;
  private notAfter = 0;
  private lastCheck = 0;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly client: LocalApiClient,
    readonly domain: string,
    private readonly now: () => number = Date.now,
    private readonly timeoutMs: number = CERTIFICATE_TIMEOUT_MS,
  ) {}

  /**
   * Fetches the first certificate and returns it (the server's default for handshakes that name
   * no host); throws, saying why, if tailscaled cannot provide one.
   */
  async load(): Promise<CertificatePair> {
    try {
      return await this.fetch();
    } catch (error) {
      throw new Error(
        `cannot serve HTTPS for ${this.domain} with a tailscaled certificate (are HTTPS certificates enabled for the tailnet, and is ${this.domain} this node's name?): ${(error as Error).message}`,
      );
    }
  }

  /** The context to serve with; starts a background renewal when it is due. */
  secureContext(): SecureContext {
    if (this.context === undefined) throw new Error('TailscaleCertificates.load() has not completed');
    const now = this.now();
    if (now - this.lastCheck >= CERTIFICATE_CHECK_INTERVAL_MS) {
      this.lastCheck = now;
      if (this.notAfter - now < CERTIFICATE_RENEW_BEFORE_MS) void this.refresh();
    }
    return this.context;
  }

  /** When the current certificate expires (ms since the epoch). */
  get expiresAt(): number {
    return this.notAfter;
  }

  /** Fetches a new certificate, keeping the current one if that fails. Concurrent calls share one fetch. */
  refresh(): Promise<void> {
    this.refreshing ??= this.fetch()
      .then(() => undefined)
      .catch((error: Error) => this.logger.warn(`renewing the certificate for ${this.domain} failed, still serving the one expiring ${new Date(this.notAfter).toISOString()}: ${error.message}`))
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async fetch(): Promise<CertificatePair> {
    const pair = await this.client.certificatePair(this.domain, this.timeoutMs);
    const notAfter = Date.parse(new X509Certificate(pair.certificatePem).validTo);
    const context = createSecureContext({ cert: pair.certificatePem, key: pair.keyPem });
    this.context = context;
    this.notAfter = notAfter;
    this.lastCheck = this.now();
    return pair;
  }
}
