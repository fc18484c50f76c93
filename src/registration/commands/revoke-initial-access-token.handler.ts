import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, WrongExpectedVersionError } from '#event-store';
import { appendDecision, loadAggregate } from '../../common/event-sourcing/aggregate-stream.js';
import { initialAccessTokenStream, isInitialAccessTokenId } from '../domain/initial-access-token.js';
import { InitialAccessTokenNotFoundError } from '../domain/initial-access-token.errors.js';
import { InitialAccessTokenEventType } from '../domain/initial-access-token.events.js';
import { initialAccessTokenEvolver } from '../domain/initial-access-token.evolver.js';
import { RevokeInitialAccessTokenCommand, type RevokeInitialAccessTokenResult } from './revoke-initial-access-token.command.js';

/** Uses are bounded by maxUses, so the races are too; this bound only guards against a broken store. */
const MAX_ATTEMPTS = 20;

@CommandHandler(RevokeInitialAccessTokenCommand)
export class RevokeInitialAccessTokenHandler implements ICommandHandler<RevokeInitialAccessTokenCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ tokenId, context }: RevokeInitialAccessTokenCommand): Promise<RevokeInitialAccessTokenResult> {
    if (!isInitialAccessTokenId(tokenId)) throw new InitialAccessTokenNotFoundError(tokenId);
    const stream = initialAccessTokenStream(tokenId);
    // A use racing the revocation moves the revision; load again and revoke on top of it, so that
    // the revocation lands (it only ever narrows what the token allows, so it needs no re-decision).
    for (let attempt = 1; ; attempt++) {
      const loaded = await loadAggregate(this.store, stream, initialAccessTokenEvolver);
      if (loaded.state.status !== 'issued') throw new InitialAccessTokenNotFoundError(tokenId);
      if (loaded.state.revoked) return { tokenId, revoked: false, position: null };
      try {
        const result = await appendDecision(this.store, stream, loaded, [{ type: InitialAccessTokenEventType.Revoked, data: {} }], context);
        return { tokenId, revoked: true, position: result.position };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}
