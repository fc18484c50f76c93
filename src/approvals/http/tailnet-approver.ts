import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Identity } from '../../policy/identity.js';
import { IdentityService } from '../../policy/identity.service.js';
import { TrustedProxies } from '../../policy/trusted-proxies.js';

/**
 * Who may approve: a person the network identifies (tailscale whois, a trusted proxy's headers,
 * or the dev identity), whatever the order of MESHID_IDENTITY. A sign-in session is never
 * enough, including one started by an approval: otherwise a browser signed in by approval could
 * approve others, and an approval could be chained from outside the tailnet forever.
 */
@Injectable()
export class TailnetApprover {
  constructor(
    private readonly identities: IdentityService,
    private readonly proxies: TrustedProxies,
  ) {}

  /** The network identity of the request, or null. Throws IdentityUnavailableError as IdentityService does. */
  async identify(request: FastifyRequest): Promise<Identity | null> {
    return this.identities.identifyByNetwork(request);
  }

  /** The client's address as TrustedProxies reads it (the forwarded hop behind a trusted proxy). */
  address(request: FastifyRequest): string {
    return this.proxies.callerIp(request);
  }
}
