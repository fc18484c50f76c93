import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { MeshidConfig } from '../config/meshid-config.js';
import type { Identity, IdentitySource } from './identity.js';
import type { IdentityResolver, RegisteredIdentityResolver, ResolverRequest } from './identity-resolver.js';
import { DevIdentityResolver } from './resolvers/dev-identity.resolver.js';
import { ProxyHeadersIdentityResolver } from './resolvers/proxy-headers.resolver.js';
import { TailscaleIdentityResolver } from './tailscale/tailscale-identity.resolver.js';

/**
 * Who is asking: tries the resolvers of `config.identity` in order and answers with the first
 * identity found, or null. A resolver that cannot answer (tailscaled down) throws
 * IdentityUnavailableError and the search stops there: falling through to the next resolver
 * would let an outage change who someone is. The order is fixed when the application has
 * started, after other modules registered their resolvers (`account`); a resolver named in the
 * configuration but absent is left out with one warning: it never recognises anyone.
 */
@Injectable()
export class IdentityService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Identity');
  private readonly available: Map<string, IdentityResolver>;
  private readonly registered = new Map<IdentitySource, RegisteredIdentityResolver>();
  private resolvers: IdentityResolver[] | null = null;

  constructor(
    private readonly config: MeshidConfig,
    private readonly dev: DevIdentityResolver,
    tailscale: TailscaleIdentityResolver,
    private readonly proxyHeaders: ProxyHeadersIdentityResolver,
  ) {
    this.available = new Map<string, IdentityResolver>([
      ['dev', dev],
      ['tailscale', tailscale],
      ['proxy-headers', proxyHeaders],
    ]);
  }

  /** Called by a module that provides a resolver, before the application has started. */
  register(resolver: RegisteredIdentityResolver): void {
    if (this.resolvers !== null) throw new Error(`identity resolver "${resolver.source}" registered after the application started`);
    this.available.set(resolver.source, resolver);
    this.registered.set(resolver.source, resolver);
  }

  onApplicationBootstrap(): void {
    this.order();
  }

  /** The names of the resolvers in use, in order. */
  get active(): string[] {
    return this.order().map((resolver) => resolver.source);
  }

  async identify(request: ResolverRequest): Promise<Identity | null> {
    for (const resolver of this.order()) {
      const identity = await resolver.resolve(request);
      if (identity !== null) return identity;
    }
    return null;
  }

  /**
   * Who the network says the caller is, asking only the resolvers that identify a request by
   * where it came from (tailscale, proxy headers, dev), never a sign-in session's cookie: for
   * decisions a session must not be enough for, such as approving another browser's sign-in.
   */
  async identifyByNetwork(request: ResolverRequest): Promise<Identity | null> {
    for (const resolver of this.order()) {
      if (this.registered.get(resolver.source) === resolver) continue;
      const identity = await resolver.resolve(request);
      if (identity !== null) return identity;
    }
    return null;
  }

  /** Who `subject` of a registered source is now (see RegisteredIdentityResolver.current); undefined: no such source in use. */
  async current(source: IdentitySource, subject: string): Promise<Identity | null | undefined> {
    const resolver = this.registered.get(source);
    if (resolver === undefined || !this.order().includes(resolver)) return undefined;
    return resolver.current(subject);
  }

  private order(): IdentityResolver[] {
    if (this.resolvers !== null) return this.resolvers;
    const resolvers: IdentityResolver[] = [];
    for (const name of this.config.identity) {
      const resolver = this.available.get(name);
      if (resolver === undefined) {
        this.logger.warn(`identity resolver "${name}" is not available in this application and is skipped`);
        continue;
      }
      if (resolver === this.proxyHeaders && this.config.trustedProxies.length === 0) {
        this.logger.warn('identity resolver "proxy-headers" is listed but MESHID_TRUSTED_PROXIES is empty: it recognises nobody');
        continue;
      }
      if (resolver === this.dev && !this.dev.enabled) {
        this.logger.warn('identity resolver "dev" is listed but MESHID_DEV_IDENTITY is not set: it recognises nobody');
        continue;
      }
      resolvers.push(resolver);
    }
    if (resolvers.length === 0) {
      this.logger.warn('no identity resolver is active: /authorize cannot sign anyone in (set MESHID_DEV_IDENTITY to try meshid on loopback)');
    }
    this.resolvers = resolvers;
    return resolvers;
  }
}
