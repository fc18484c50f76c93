import { Injectable, Logger } from '@nestjs/common';
import { MeshidConfig } from '../config/meshid-config.js';
import type { Identity } from './identity.js';
import type { IdentityResolver, ResolverRequest } from './identity-resolver.js';
import { DevIdentityResolver } from './resolvers/dev-identity.resolver.js';
import { ProxyHeadersIdentityResolver } from './resolvers/proxy-headers.resolver.js';
import { TailscaleIdentityResolver } from './tailscale/tailscale-identity.resolver.js';

/**
 * Who is asking: tries the resolvers of `config.identity` in order and answers with the first
 * identity found, or null. A resolver that cannot answer (tailscaled down) throws
 * IdentityUnavailableError and the search stops there: falling through to the next resolver
 * would let an outage change who someone is. A resolver named in the configuration but not built
 * yet (account comes with local accounts) is left out with one warning at startup: it is never
 * treated as having recognised anyone.
 */
@Injectable()
export class IdentityService {
  private readonly logger = new Logger('Identity');
  private readonly resolvers: IdentityResolver[];

  constructor(config: MeshidConfig, dev: DevIdentityResolver, tailscale: TailscaleIdentityResolver, proxyHeaders: ProxyHeadersIdentityResolver) {
    const available = new Map<string, IdentityResolver>([
      ['dev', dev],
      ['tailscale', tailscale],
      ['proxy-headers', proxyHeaders],
    ]);
    this.resolvers = [];
    for (const name of config.identity) {
      const resolver = available.get(name);
      if (resolver === undefined) {
        this.logger.warn(`identity resolver "${name}" is not available in this version and is skipped`);
        continue;
      }
      if (resolver === proxyHeaders && config.trustedProxies.length === 0) {
        this.logger.warn('identity resolver "proxy-headers" is listed but MESHID_TRUSTED_PROXIES is empty: it recognises nobody');
        continue;
      }
      if (resolver === dev && !dev.enabled) {
        this.logger.warn('identity resolver "dev" is listed but MESHID_DEV_IDENTITY is not set: it recognises nobody');
        continue;
      }
      this.resolvers.push(resolver);
    }
    if (this.resolvers.length === 0) {
      this.logger.warn('no identity resolver is active: /authorize cannot sign anyone in (set MESHID_DEV_IDENTITY to try meshid on loopback)');
    }
  }

  /** The names of the resolvers in use, in order. */
  get active(): string[] {
    return this.resolvers.map((resolver) => resolver.source);
  }

  async identify(request: ResolverRequest): Promise<Identity | null> {
    for (const resolver of this.resolvers) {
      const identity = await resolver.resolve(request);
      if (identity !== null) return identity;
    }
    return null;
  }
}
