import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type GrantType, TOKEN_EXCHANGE_GRANT } from '../../clients/domain/client-metadata.js';
import { supportedGrantTypes } from '../issuance/supported-grant-types.js';
import { OAuthError } from '../../common/http/oauth-error.js';
import { MeshidConfig } from '../../config/meshid-config.js';
import { TokenExchange, type TokenExchangeResponse } from '../issuance/token-exchange.service.js';
import { TokenGrants } from '../issuance/token-grants.service.js';
import type { TokenResponse } from '../issuance/token-response.js';
import { ClientAuthenticator } from './client-authenticator.js';
import { NO_STORE, formParameters } from './form-parameters.js';
import { CallerContext } from '../../policy/caller-context.js';
import { asOAuthEndpoint } from './oauth-endpoint.js';

/** The grants a public client may use; the others are for clients acting with their own credentials. */
const PUBLIC_GRANTS: readonly GrantType[] = ['authorization_code', 'refresh_token'];

/**
 * `POST /token` (RFC 6749 §3.2). Order: body parameters, grant type, client authentication,
 * the client's right to the grant, then the grant itself; nothing before the grant writes.
 * Token exchange (RFC 8693) exists only when configured (MESHID_TOKEN_EXCHANGE / TSIDP_ENABLE_STS).
 */
@Controller()
export class TokenController {
  private readonly supported: readonly GrantType[];

  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly grants: TokenGrants,
    private readonly exchange: TokenExchange,
    private readonly caller: CallerContext,
    @Inject(MeshidConfig) config: MeshidConfig,
  ) {
    this.supported = supportedGrantTypes(config);
  }

  @Post('token')
  @HttpCode(200)
  token(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<TokenResponse | TokenExchangeResponse> {
    return asOAuthEndpoint(async () => {
      const form = formParameters(request);
      const grantType = form.get('grant_type') as GrantType | undefined;
      if (grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is required');
      if (!this.supported.includes(grantType)) {
        const why = grantType === TOKEN_EXCHANGE_GRANT ? 'token exchange is not enabled' : `grant_type ${grantType} is not supported`;
        throw new OAuthError('unsupported_grant_type', why);
      }
      const client = await this.authenticator.authenticate(request, form, { allowPublic: PUBLIC_GRANTS.includes(grantType) });
      if (!client.metadata.grant_types.includes(grantType)) {
        throw new OAuthError('unauthorized_client', `the client is not registered for the ${grantType} grant`);
      }
      const context = this.caller.command(request, `client:${client.clientId}`);
      let response: TokenResponse | TokenExchangeResponse;
      switch (grantType) {
        case 'authorization_code':
          response = await this.grants.authorizationCode(client, form, context);
          break;
        case 'refresh_token':
          response = await this.grants.refreshToken(client, form, context);
          break;
        case 'client_credentials':
          response = this.grants.clientCredentials(client, form);
          break;
        default:
          response = await this.exchange.exchange(client, form, context);
      }
      reply.headers(NO_STORE);
      return response;
    });
  }
}
