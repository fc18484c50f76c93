import { Controller, HttpCode, Logger, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RegisteredClient } from '../../clients/read-model/client-directory.js';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import { OAuthError } from '../../common/http/oauth-error.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { ProjectionsService } from '../../storage/projections.service.js';
import { RevokeGrantCommand } from '../commands/revoke-grant.command.js';
import { parseRefreshToken } from '../domain/refresh-token.js';
import { AccessTokenVerifier } from '../issuance/access-token-verifier.js';
import { GrantLookup } from '../read-model/grant-lookup.js';
import { ClientAuthenticator } from './client-authenticator.js';
import { NO_STORE, formParameters } from './form-parameters.js';
import { CallerContext } from '../../policy/caller-context.js';
import { asOAuthEndpoint } from './oauth-endpoint.js';

/** How long /revoke waits for its own revocation to reach this replica's read model. */
const PROJECTION_WAIT_MS = 5000;

/**
 * `POST /revoke` (RFC 7009). Both kinds of token revoke the whole grant: a refresh token (its
 * current one) and an access token alike, since access tokens are stateless JWTs whose only
 * revocable state is their grant (`gid`). A client revokes only its own tokens; anything unknown,
 * invalid or foreign is answered 200 like a success (§2.2). `token_type_hint` is accepted and,
 * since both kinds are recognised by their form, not needed.
 */
@Controller('revoke')
export class RevocationController {
  private readonly logger = new Logger('Revocation');

  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly verifier: AccessTokenVerifier,
    private readonly grants: GrantLookup,
    private readonly hasher: SecretHasher,
    private readonly commands: CommandBus,
    private readonly projections: ProjectionsService,
    private readonly caller: CallerContext,
  ) {}

  @Post()
  @HttpCode(200)
  revoke(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return asOAuthEndpoint(async () => {
      const form = formParameters(request);
      const client = await this.authenticator.authenticate(request, form, { allowPublic: true });
      const token = form.get('token');
      if (token === undefined) throw new OAuthError('invalid_request', 'token is required');
      const target = await this.grantOf(token, client);
      if (target !== null) await this.revokeGrant(target, client, this.caller.command(request, `client:${client.clientId}`));
      reply.headers(NO_STORE);
      return '';
    });
  }

  /** The grant the token belongs to, if it is a valid token of this client, and whether it was an access token. */
  private async grantOf(token: string, client: RegisteredClient): Promise<{ grantId: string; accessToken: boolean } | null> {
    const refresh = parseRefreshToken(token);
    if (refresh !== null) {
      const { issued, currentDigest } = await this.grants.state(refresh.grantId);
      const isCurrent = issued?.clientId === client.clientId && currentDigest !== null && this.hasher.matches(refresh.secret, currentDigest);
      return isCurrent ? { grantId: refresh.grantId, accessToken: false } : null;
    }
    const claims = this.verifier.verify(token);
    if (claims === null || claims.client_id !== client.clientId) return null;
    // A token this client obtained by exchange (RFC 8693) belongs to another client's grant, which
    // is not this client's to end; it lives a few minutes at most.
    const { issued } = await this.grants.state(claims.gid);
    if (issued !== null && issued.clientId !== client.clientId) {
      throw new OAuthError('unsupported_token_type', 'an access token obtained by token exchange cannot be revoked; it expires within minutes');
    }
    return { grantId: claims.gid, accessToken: true };
  }

  /** Waits (bounded) for the revoked-grants projection, so this replica refuses the tokens at once. */
  private async revokeGrant(target: { grantId: string; accessToken: boolean }, client: RegisteredClient, context: CommandContext): Promise<void> {
    const { grantId } = target;
    const command = new RevokeGrantCommand(grantId, 'revoked_by_client', client.clientId, context, target.accessToken);
    const { position } = await this.commands.execute(command);
    if (position === null) return;
    await this.projections.waitFor(position, PROJECTION_WAIT_MS).catch((error: unknown) => {
      this.logger.warn(`revocation of grant ${grantId} not yet projected: ${(error as Error).message}`);
    });
  }
}
