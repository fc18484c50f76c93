import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { Clock } from '../common/clock.js';
import { KeysModule } from '../keys/keys.module.js';
import { PolicyModule } from '../policy/policy.module.js';
import { ExchangeTokenHandler } from './commands/exchange-token.handler.js';
import { IssueGrantHandler } from './commands/issue-grant.handler.js';
import { RevokeGrantHandler } from './commands/revoke-grant.handler.js';
import { RotateRefreshTokenHandler } from './commands/rotate-refresh-token.handler.js';
import { ClientAuthenticator } from './http/client-authenticator.js';
import { IntrospectionController } from './http/introspection.controller.js';
import { RevocationController } from './http/revocation.controller.js';
import { TokenController } from './http/token.controller.js';
import { UserinfoController } from './http/userinfo.controller.js';
import { AccessTokenVerifier } from './issuance/access-token-verifier.js';
import { TokenExchange } from './issuance/token-exchange.service.js';
import { TokenGrants } from './issuance/token-grants.service.js';
import { TokenMinter } from './issuance/token-minter.js';
import { TokenResponseBuilder } from './issuance/token-response.js';
import { GrantDirectory } from './read-model/grant-directory.js';
import { GrantLookup } from './read-model/grant-lookup.js';
import { GrantsProjection } from './read-model/grants.projection.js';
import { RevokedGrants } from './read-model/revoked-grants.js';
import { RevokedGrantsProjection } from './read-model/revoked-grants.projection.js';

/**
 * Grants and the endpoints that issue and check their tokens: /token (with token exchange),
 * /userinfo, /introspect and /revoke, with the revoked-grants read model they consult.
 */
@Module({
  imports: [ClientsModule, KeysModule, PolicyModule],
  controllers: [TokenController, UserinfoController, IntrospectionController, RevocationController],
  providers: [
    Clock,
    IssueGrantHandler,
    RotateRefreshTokenHandler,
    RevokeGrantHandler,
    ExchangeTokenHandler,
    ClientAuthenticator,
    TokenMinter,
    TokenResponseBuilder,
    TokenGrants,
    TokenExchange,
    AccessTokenVerifier,
    GrantLookup,
    RevokedGrants,
    RevokedGrantsProjection,
    GrantsProjection,
    GrantDirectory,
  ],
  exports: [AccessTokenVerifier, RevokedGrants, GrantDirectory, GrantLookup],
})
export class TokensModule {}
