import { Command } from '@nestjs/cqrs';
import type { Position } from '#event-store';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { RecordedIdentity } from '../../policy/identity-snapshot.js';
import type { TokenExchanged } from '../domain/grant.events.js';

export interface ExchangedToken {
  /** The targets the subject's rules allow, of those requested (never empty). */
  audience: string[];
  /** Who the grant is for, as recorded now. */
  identity: RecordedIdentity;
  position: Position;
}

/**
 * ExchangeToken (RFC 8693): records, on the grant of the subject token, that `exchange.clientId`
 * obtained a token for the allowed part of `targets`. Refused (TokenExchangeRefusedError) when the
 * grant is revoked or unrecorded, or when the subject's `users` / `resources` rules allow none of
 * the targets.
 */
export class ExchangeTokenCommand extends Command<ExchangedToken> {
  constructor(
    readonly grantId: string,
    /** The subject token's `sub`, which must be the grant's. */
    readonly subject: string,
    readonly targets: readonly string[],
    readonly exchange: Pick<TokenExchanged, 'clientId' | 'scope' | 'actor' | 'expiresAt'>,
    readonly context: CommandContext,
  ) {
    super();
  }
}
