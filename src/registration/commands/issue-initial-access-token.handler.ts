import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import { Clock } from '../../common/clock.js';
import { appendDecision } from '../../common/event-sourcing/aggregate-stream.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import {
  initialAccessTokenStream,
  MAX_INITIAL_TOKEN_DESCRIPTION_LENGTH,
  MAX_INITIAL_TOKEN_LIFETIME_MS,
  MAX_INITIAL_TOKEN_USES,
  MIN_INITIAL_TOKEN_LIFETIME_MS,
  newInitialAccessToken,
} from '../domain/initial-access-token.js';
import { InvalidInitialAccessTokenOptionsError } from '../domain/initial-access-token.errors.js';
import { InitialAccessTokenEventType, type InitialAccessTokenIssuedData } from '../domain/initial-access-token.events.js';
import { type InitialAccessTokenOptions, IssueInitialAccessTokenCommand, type IssueInitialAccessTokenResult } from './issue-initial-access-token.command.js';

@CommandHandler(IssueInitialAccessTokenCommand)
export class IssueInitialAccessTokenHandler implements ICommandHandler<IssueInitialAccessTokenCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
  ) {}

  async execute({ options, context }: IssueInitialAccessTokenCommand): Promise<IssueInitialAccessTokenResult> {
    assertOptions(options);
    const { tokenId, secret, token } = newInitialAccessToken();
    const expiresAt = this.clock.now() + options.lifetimeMs;
    const description = options.description?.trim() || undefined;
    const data: InitialAccessTokenIssuedData = {
      tokenId,
      digest: this.hasher.digest(secret),
      expiresAt,
      maxUses: options.maxUses,
      ...(description === undefined ? {} : { description }),
    };
    // A fresh random id: appended with no_stream, so it can never overwrite another token.
    const result = await appendDecision(this.store, initialAccessTokenStream(tokenId), { revision: undefined }, [{ type: InitialAccessTokenEventType.Issued, data }], context);
    return { tokenId, token, expiresAt, maxUses: options.maxUses, ...(description === undefined ? {} : { description }), position: result.position };
  }
}

/** Refuses options out of range, naming the option; the CLI checks its flags too, this guards every caller. */
function assertOptions({ maxUses, lifetimeMs, description }: InitialAccessTokenOptions): void {
  if (!Number.isSafeInteger(maxUses) || maxUses < 1 || maxUses > MAX_INITIAL_TOKEN_USES) {
    throw new InvalidInitialAccessTokenOptionsError(`uses: expected a whole number from 1 to ${MAX_INITIAL_TOKEN_USES}, not ${maxUses}`);
  }
  if (!Number.isSafeInteger(lifetimeMs) || lifetimeMs < MIN_INITIAL_TOKEN_LIFETIME_MS || lifetimeMs > MAX_INITIAL_TOKEN_LIFETIME_MS) {
    throw new InvalidInitialAccessTokenOptionsError(`expires-in: expected from 1 minute to 90 days, not ${lifetimeMs} ms`);
  }
  if (description !== undefined && (description.length > MAX_INITIAL_TOKEN_DESCRIPTION_LENGTH || /[\u0000-\u001f\u007f]/.test(description))) {
    throw new InvalidInitialAccessTokenOptionsError(`description: expected at most ${MAX_INITIAL_TOKEN_DESCRIPTION_LENGTH} characters, without control characters`);
  }
}
