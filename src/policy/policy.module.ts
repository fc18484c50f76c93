import { Module } from '@nestjs/common';
import { CapabilityPolicy } from './capabilities/capability-policy.js';
import { IdentityService } from './identity.service.js';
import { PolicyService } from './policy.service.js';
import { DevIdentityResolver } from './resolvers/dev-identity.resolver.js';
import { ProxyHeadersIdentityResolver } from './resolvers/proxy-headers.resolver.js';
import { TailscaleIdentityResolver } from './tailscale/tailscale-identity.resolver.js';
import { CallerContext } from './caller-context.js';
import { TrustedProxies } from './trusted-proxies.js';

/**
 * Policy (DESIGN §5), the one module that reads identity headers or asks the tailnet: who is
 * asking (IdentityService and its resolvers) and what they may have and do (PolicyService over
 * the capability rules).
 */
@Module({
  providers: [TrustedProxies, CallerContext, DevIdentityResolver, TailscaleIdentityResolver, ProxyHeadersIdentityResolver, IdentityService, CapabilityPolicy, PolicyService],
  exports: [IdentityService, PolicyService, TrustedProxies, CallerContext],
})
export class PolicyModule {}
