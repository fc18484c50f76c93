import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RegisteredClient } from '../../clients/read-model/client-directory.js';
import { Clock } from '../../common/clock.js';
import { OAuthError } from '../../common/http/oauth-error.js';
import { MeshidConfig } from '../../config/meshid-config.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { parseRefreshToken } from '../domain/refresh-token.js';
import { AccessTokenVerifier } from '../issuance/access-token-verifier.js';
import { GrantLookup } from '../read-model/grant-lookup.js';
import { ClientAuthenticator } from './client-authenticator.js';
import { NO_STORE, formParameters } from './form-parameters.js';
import { asOAuthEndpoint } from './oauth-endpoint.js';

type Introspection = { active: false } | ({ active: true } & Record<string, unknown>);
const INACTIVE: Introspection = { active: false };

/**
 * `POST /introspect` (RFC 7662), for confidential clients. Access tokens: any authenticated
 * client may ask (resource servers are clients too), answered from memory
 * (AccessTokenVerifier.inForce), no read. Refresh tokens: only the client they were issued to, answered
 * from the grant's stream. Anything else, or anything not currently valid: `{active: false}`.
 */
@Controller('introspect')
export class IntrospectionController {
  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly verifier: AccessTokenVerifier,
    private readonly grants: GrantLookup,
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
    @Inject(MeshidConfig) private readonly config: MeshidConfig,
  ) {}

  @Post()
  @HttpCode(200)
  introspect(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Introspection> {
    return asOAuthEndpoint(async () => {
      const form = formParameters(request);
      const client = await this.authenticator.authenticate(request, form, { allowPublic: false });
      const token = form.get('token');
      if (token === undefined) throw new OAuthError('invalid_request', 'token is required');
      reply.headers(NO_STORE);
      if (parseRefreshToken(token) !== null) return this.refreshToken(token, client);
      return this.accessToken(token);
    });
  }

  private async accessToken(token: string): Promise<Introspection> {
    const { claims } = this.verifier.inForce(token);
    if (claims === null) return INACTIVE;
    const { client_id, sub, scope, exp, iat, iss, jti, aud, act } = claims;
    return { active: true, client_id, sub, scope, exp, iat, iss, jti, aud, ...(act !== undefined ? { act } : {}), token_type: 'Bearer' };
  }

  private async refreshToken(token: string, client: RegisteredClient): Promise<Introspection> {
    const { grantId, secret } = parseRefreshToken(token)!;
    const state = await this.grants.state(grantId);
    const { issued, currentDigest, refreshExpiresAt, revoked } = state;
    if (issued === null || revoked !== null || issued.clientId !== client.clientId || currentDigest === null) return INACTIVE;
    if (!this.hasher.matches(secret, currentDigest) || refreshExpiresAt === null || this.clock.now() > refreshExpiresAt) return INACTIVE;
    return {
      active: true,
      client_id: issued.clientId,
      sub: issued.subject,
      scope: issued.scope.join(' '),
      exp: Math.floor(refreshExpiresAt / 1000),
      iss: this.config.issuer,
      token_type: 'refresh_token',
    };
  }
}
