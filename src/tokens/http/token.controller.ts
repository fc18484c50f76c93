import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GrantType } from '../../clients/domain/client-metadata.js';
import { OAuthError } from '../../common/http/oauth-error.js';
import { TokenGrants } from '../issuance/token-grants.service.js';
import type { TokenResponse } from '../issuance/token-response.js';
import { ClientAuthenticator } from './client-authenticator.js';
import { NO_STORE, formParameters } from './form-parameters.js';
import { asOAuthEndpoint, clientContext } from './oauth-endpoint.js';

const SUPPORTED: readonly GrantType[] = ['authorization_code', 'refresh_token', 'client_credentials'];

/**
 * `POST /token` (RFC 6749 §3.2). Order: body parameters, grant type, client authentication,
 * the client's right to the grant, then the grant itself; nothing before the grant writes.
 */
@Controller()
export class TokenController {
  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly grants: TokenGrants,
  ) {}

  @Post('token')
  @HttpCode(200)
  token(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<TokenResponse> {
    return asOAuthEndpoint(async () => {
      const form = formParameters(request);
      const grantType = form.get('grant_type');
      if (grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is required');
      if (!(SUPPORTED as readonly string[]).includes(grantType)) throw new OAuthError('unsupported_grant_type', `grant_type ${grantType} is not supported`);
      const allowPublic = grantType !== 'client_credentials';
      const client = this.authenticator.authenticate(request, form, { allowPublic });
      if (!client.metadata.grant_types.includes(grantType as GrantType)) {
        throw new OAuthError('unauthorized_client', `the client is not registered for the ${grantType} grant`);
      }
      const context = clientContext(request, client.clientId);
      const response =
        grantType === 'authorization_code'
          ? await this.grants.authorizationCode(client, form, context)
          : grantType === 'refresh_token'
            ? await this.grants.refreshToken(client, form, context)
            : this.grants.clientCredentials(client, form);
      reply.headers(NO_STORE);
      return response;
    });
  }
}
