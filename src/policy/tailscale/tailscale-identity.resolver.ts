import { isIP } from 'node:net';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { deepFreeze } from '../../common/deep-freeze.js';
import { MeshidConfig } from '../../config/meshid-config.js';
import type { Identity } from '../identity.js';
import { IdentityUnavailableError, type IdentityResolver, type ResolverRequest } from '../identity-resolver.js';
import { TrustedProxies, unmapIPv4 } from '../trusted-proxies.js';
import { ExpiringCache } from '../../common/expiring-cache.js';
import { LocalApiClient } from './localapi-client.js';
import { identityFromWhois, type RefusedWhois, type WhoisIdentityOptions } from './whois-identity.js';

/** How long a whois answer is reused: long enough to absorb a sign-in's burst of requests, short enough that a revoked user or re-tagged node loses access promptly. */
export const WHOIS_CACHE_TTL_MS = 5000;
/** At most this many addresses are remembered (each connection's ip:port is one). */
export const WHOIS_CACHE_ENTRIES = 10_000;
/** Injection token for the clock the cache reads (Date.now unless a test provides one). */
export const TAILSCALE_CLOCK = Symbol('TAILSCALE_CLOCK');

export type TailscaleResolverConfig = Pick<MeshidConfig, 'tailscaleSocket' | 'tailscaleTimeoutMs' | 'taggedNodes' | 'issuer'>;

/** What whois said about one address, as cached: somebody, a refused tagged node, or nobody. */
type WhoisOutcome = Identity | RefusedWhois | null;

/**
 * The `tailscale` resolver (DESIGN §5): asks tailscaled's LocalAPI who is at the caller's address.
 * Funnel traffic comes from the internet and is nobody. Answers, including "not on the tailnet",
 * are cached per address for WHOIS_CACHE_TTL_MS and concurrent lookups of one address share a
 * single LocalAPI request; failures are not cached, so the first request after tailscaled comes
 * back succeeds. A failure is an IdentityUnavailableError, never "nobody": falling through to the
 * next resolver during an outage would silently change who people are.
 */
@Injectable()
export class TailscaleIdentityResolver implements IdentityResolver {
  readonly source = 'tailscale' as const;
  private readonly logger = new Logger('Tailscale');
  private readonly client: LocalApiClient;
  private readonly identityOptions: WhoisIdentityOptions;
  private readonly answers: ExpiringCache<WhoisOutcome>;
  private readonly inFlight = new Map<string, Promise<WhoisOutcome>>();
  /** Tagged nodes whose refusal was logged recently, so a busy one does not flood the log. */
  private readonly refusalsLogged: ExpiringCache<true>;

  constructor(
    @Inject(MeshidConfig) config: TailscaleResolverConfig,
    @Inject(TrustedProxies) private readonly proxies: TrustedProxies,
    @Optional() @Inject(TAILSCALE_CLOCK) now: () => number = Date.now,
  ) {
    this.client = new LocalApiClient(config.tailscaleSocket, config.tailscaleTimeoutMs);
    this.identityOptions = { issuerHost: new URL(config.issuer).hostname, taggedNodes: config.taggedNodes };
    this.answers = new ExpiringCache(WHOIS_CACHE_ENTRIES, now);
    this.refusalsLogged = new ExpiringCache(WHOIS_CACHE_ENTRIES, now);
  }

  async resolve(request: ResolverRequest): Promise<Identity | null> {
    if (this.proxies.viaFunnel(request)) return null;
    const address = this.proxies.clientAddress(request);
    if (address === null) return null;
    return this.identityAt(whoisAddress(address.ip, address.port));
  }

  /**
   * Who owns the node with tailnet address `ip` now (no port: the node, not a connection). The
   * token endpoint asks this at refresh, to re-evaluate a tailnet identity by its node address.
   * It always asks tailscaled (the answer then refreshes the cache): a refresh is where a policy
   * change must take effect, and refreshes of one grant come minutes apart, not in bursts.
   */
  resolveNodeAddress(ip: string): Promise<Identity | null> {
    return this.identityAt(unmapIPv4(ip), { fresh: true });
  }

  private async identityAt(addr: string, options: { fresh?: boolean } = {}): Promise<Identity | null> {
    const outcome = await this.lookup(addr, options.fresh ?? false);
    return outcome === null || 'refused' in outcome ? null : outcome;
  }

  private lookup(addr: string, fresh: boolean): Promise<WhoisOutcome> {
    const cached = fresh ? undefined : this.answers.get(addr);
    if (cached !== undefined) return Promise.resolve(cached.value);
    let pending = this.inFlight.get(addr);
    if (pending === undefined) {
      pending = this.askTailscaled(addr).finally(() => this.inFlight.delete(addr));
      this.inFlight.set(addr, pending);
    }
    return pending;
  }

  private async askTailscaled(addr: string): Promise<WhoisOutcome> {
    let outcome: WhoisOutcome = null;
    try {
      const whois = await this.client.whois(addr);
      if (whois !== null) {
        outcome = identityFromWhois(whois, this.identityOptions);
        if ('refused' in outcome) this.noteRefusal(whois.Node.ID, outcome.refused);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn(message);
      throw new IdentityUnavailableError('tailscale', message);
    }
    this.answers.set(addr, outcome === null ? null : deepFreeze(outcome), WHOIS_CACHE_TTL_MS);
    return outcome;
  }

  private noteRefusal(nodeId: string, reason: string): void {
    if (this.refusalsLogged.get(nodeId) !== undefined) return;
    this.refusalsLogged.set(nodeId, true, WHOIS_CACHE_TTL_MS);
    this.logger.log(`refused: ${reason}`);
  }
}

/** tailscaled's whois `addr` form: `IP:PORT`, `[IPv6]:PORT`, or the IP alone when the port is unknown (X-Forwarded-For). */
export function whoisAddress(ip: string, port: number | undefined): string {
  if (port === undefined) return ip;
  return isIP(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export interface TailscaleResolverSettings {
  socket: string;
  timeoutMs: number;
  issuer: string;
  taggedNodes: MeshidConfig['taggedNodes'];
  trustedProxies?: string[];
  now?: () => number;
}

/** Builds the resolver without Nest, from plain settings (tests, tools). */
export function createTailscaleIdentityResolver(settings: TailscaleResolverSettings): TailscaleIdentityResolver {
  const config: TailscaleResolverConfig = {
    tailscaleSocket: settings.socket,
    tailscaleTimeoutMs: settings.timeoutMs,
    taggedNodes: settings.taggedNodes,
    issuer: settings.issuer,
  };
  return new TailscaleIdentityResolver(config, new TrustedProxies({ trustedProxies: settings.trustedProxies ?? [] }), settings.now);
}
