import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { PolicyModule } from '../policy/policy.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { DiscoveryController } from './discovery.controller.js';
import { WebfingerController } from './webfinger.controller.js';
import { WebfingerDirectory } from './webfinger-directory.js';

/**
 * OpenID Provider metadata (OIDC Discovery 1.0) and its RFC 8414 twin, and WebFinger (RFC 7033),
 * which finds the issuer from a person's address: local accounts and the people grants record.
 */
@Module({
  imports: [PolicyModule, AccountsModule, TokensModule],
  controllers: [DiscoveryController, WebfingerController],
  providers: [WebfingerDirectory],
})
export class DiscoveryModule {}
