import { Command } from '@nestjs/cqrs';
import type { Position } from '#event-store';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';

export interface RevokeInitialAccessTokenResult {
  tokenId: string;
  /** False when the token was already revoked: nothing was appended. */
  revoked: boolean;
  position: Position | null;
}

/** Revokes an initial access token: from this event on it authorizes no registration. Clients it registered stay. */
export class RevokeInitialAccessTokenCommand extends Command<RevokeInitialAccessTokenResult> {
  constructor(
    readonly tokenId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
