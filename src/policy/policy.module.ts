import { Module } from '@nestjs/common';
import { IdentityService } from './identity.service.js';
import { DevIdentityResolver } from './resolvers/dev-identity.resolver.js';

/** Policy (DESIGN §5): who is asking. What they may do (capability rules) comes with the tailnet resolvers. */
@Module({
  providers: [DevIdentityResolver, IdentityService],
  exports: [IdentityService],
})
export class PolicyModule {}
