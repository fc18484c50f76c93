import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import { IssueInitialAccessTokenCommand } from '../../registration/commands/issue-initial-access-token.command.js';
import { RevokeInitialAccessTokenCommand } from '../../registration/commands/revoke-initial-access-token.command.js';
import type { InitialAccessTokenIssued, NewInitialAccessToken } from '../api/admin-api.js';

const DAY_SECONDS = 86_400;

/** Initial access tokens (RFC 7591 §3): what lets a relying party register itself. */
@Injectable()
export class InitialTokensAdmin {
  constructor(private readonly commands: CommandBus) {}

  /** The command checks the ranges (uses, lifetime, description) and names the one out of range. */
  async create(request: NewInitialAccessToken, context: CommandContext): Promise<InitialAccessTokenIssued> {
    const options = {
      maxUses: request.uses ?? 1,
      lifetimeMs: (request.expires_in ?? DAY_SECONDS) * 1000,
      ...(request.description !== undefined ? { description: request.description } : {}),
    };
    const result = await this.commands.execute(new IssueInitialAccessTokenCommand(options, context));
    return {
      token_id: result.tokenId,
      token: result.token,
      max_uses: result.maxUses,
      expires_at: new Date(result.expiresAt).toISOString(),
      ...(result.description !== undefined ? { description: result.description } : {}),
    };
  }

  async revoke(tokenId: string, context: CommandContext) {
    const result = await this.commands.execute(new RevokeInitialAccessTokenCommand(tokenId, context));
    return { token_id: tokenId, revoked: true, already_revoked: !result.revoked };
  }
}
