import { Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import { OAuthError } from '../../common/http/oauth-error.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { IdentityUnavailableError } from '../../policy/identity-resolver.js';
import { PolicyService } from '../../policy/policy.service.js';
import { RevokeGrantCommand } from '../commands/revoke-grant.command.js';
import type { RotateRefreshTokenCommand } from '../commands/rotate-refresh-token.command.js';
import { parseRefreshToken } from '../domain/refresh-token.js';
import { GrantLookup } from '../read-model/grant-lookup.js';

/**
 * Policy is evaluated again at every refresh (issue C): before rotating, the grant's person is
 * looked up again. Only for the grant's current refresh token, presented by its own client: a
 * stale, foreign or forged token is left to the rotation to refuse, and never makes meshid ask
 * tailscaled anything or revoke anything.
 */
@Injectable()
export class RefreshReidentification {
  private readonly logger = new Logger('Refresh');

  constructor(
    private readonly grants: GrantLookup,
    private readonly hasher: SecretHasher,
    private readonly policy: PolicyService,
    private readonly commands: CommandBus,
  ) {}

  /**
   * The identity to record with the rotation (undefined: keep the grant's). A person the tailnet
   * no longer knows gets their grant revoked and `invalid_grant`; tailscaled not answering is a
   * 503 `temporarily_unavailable`, and the refresh token stays usable for a retry.
   */
  async before(token: string, clientId: string, context: CommandContext): Promise<RotateRefreshTokenCommand['reidentified']> {
    const parts = parseRefreshToken(token);
    if (parts === null) return undefined;
    const state = await this.grants.state(parts.grantId);
    const { issued, identity, currentDigest } = state;
    if (issued === null || identity === null || state.revoked !== null || issued.clientId !== clientId) return undefined;
    if (currentDigest === null || !this.hasher.matches(parts.secret, currentDigest)) return undefined;
    let found;
    try {
      found = await this.policy.reidentify(identity, issued.subject);
    } catch (error) {
      if (!(error instanceof IdentityUnavailableError)) throw error;
      throw new OAuthError('temporarily_unavailable', 'the identity behind this grant cannot be checked right now; retry later', 503);
    }
    if (found.kind === 'unchanged') return undefined;
    if (found.kind === 'current') return { claims: found.claims, identity: found.identity };
    this.logger.log(`grant ${parts.grantId}: ${issued.subject} is no longer on the tailnet as before; the grant is revoked`);
    await this.commands.execute(new RevokeGrantCommand(parts.grantId, 'identity_gone', clientId, context));
    throw new OAuthError('invalid_grant', 'the person this grant was issued to is no longer known to the tailnet');
  }
}
