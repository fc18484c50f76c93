import { Command } from '@nestjs/cqrs';
import type { Position } from '#event-store';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';

export interface InitialAccessTokenOptions {
  /** How many clients the token may register (1 to MAX_INITIAL_TOKEN_USES). */
  maxUses: number;
  /** How long it lives, in milliseconds (MIN_ to MAX_INITIAL_TOKEN_LIFETIME_MS). */
  lifetimeMs: number;
  description?: string;
}

export interface IssueInitialAccessTokenResult {
  tokenId: string;
  /** The plaintext token, returned this once and never stored. */
  token: string;
  expiresAt: number;
  maxUses: number;
  description?: string;
  position: Position;
}

/** Creates an initial access token (RFC 7591 §3) that authorizes up to `maxUses` registrations. */
export class IssueInitialAccessTokenCommand extends Command<IssueInitialAccessTokenResult> {
  constructor(
    readonly options: InitialAccessTokenOptions,
    readonly context: CommandContext,
  ) {
    super();
  }
}
