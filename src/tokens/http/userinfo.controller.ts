import { Controller, Get, Post, Req, Res, HttpCode } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from '../../common/http/oauth-error.js';
import { PolicyService } from '../../policy/policy.service.js';
import { AccessTokenVerifier } from '../issuance/access-token-verifier.js';
import { claimsForScope } from '../issuance/claims-by-scope.js';
import { GrantLookup } from '../read-model/grant-lookup.js';
import { bearerToken, invalidToken } from './bearer-token.js';
import { NO_STORE } from './form-parameters.js';
import { asOAuthEndpoint } from './oauth-endpoint.js';

const NOT_IN_FORCE = {
  invalid: 'the access token is invalid or has expired',
  revoked: 'the access token has been revoked',
  client_gone: 'the client the access token was issued to no longer exists',
} as const;

/**
 * `GET`/`POST /userinfo` (OIDC Core §5.3): the claims the token's scope releases, from the
 * grant's identity snapshot, so `sub` and every claim agree with the ID token, plus the extra
 * claims of the capability rules that say `includeInUserInfo`, evaluated now. A token no longer
 * in force is refused from memory first, then on the grant's own stream (which is read for the claims).
 */
@Controller('userinfo')
export class UserinfoController {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly grants: GrantLookup,
    private readonly policy: PolicyService,
  ) {}

  @Get()
  get(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.userinfo(request, reply);
  }

  @Post()
  @HttpCode(200)
  post(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.userinfo(request, reply);
  }

  private userinfo(request: FastifyRequest, reply: FastifyReply): Promise<Record<string, unknown>> {
    return asOAuthEndpoint(async () => {
      const { claims, ...check } = this.verifier.inForce(bearerToken(request));
      if (claims === null) throw invalidToken(NOT_IN_FORCE['problem' in check ? check.problem : 'invalid']);
      const scope = claims.scope.split(' ').filter(Boolean);
      if (!scope.includes('openid')) {
        const challenge = 'Bearer realm="meshid", error="insufficient_scope", scope="openid"';
        throw new OAuthError('insufficient_scope', 'userinfo needs the openid scope', 403, { 'www-authenticate': challenge });
      }
      const grant = await this.grants.state(claims.gid);
      if (grant.issued === null || grant.identity === null || grant.revoked !== null) throw invalidToken('the access token has been revoked');
      reply.headers(NO_STORE);
      const granted = this.policy.grantedClaims(grant.identity).userinfo;
      return { ...claimsForScope(grant.identity.claims, scope), ...granted, sub: grant.issued.subject };
    });
  }
}
