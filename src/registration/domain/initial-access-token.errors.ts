import type { InitialAccessTokenRefusal } from './initial-access-token.evolver.js';

/** Base of every refusal about initial access tokens: the message is meant for the operator as is. */
export class InitialAccessTokenError extends Error {
  override readonly name: string = 'InitialAccessTokenError';
}

/** The token cannot authorize a registration. `reason` is for logs and tests; callers are told only "invalid". */
export class InvalidInitialAccessTokenError extends InitialAccessTokenError {
  override readonly name = 'InvalidInitialAccessTokenError';
  constructor(readonly reason: InitialAccessTokenRefusal | 'malformed') {
    super(`the initial access token cannot be used (${reason})`);
  }
}

/** No token has this id. */
export class InitialAccessTokenNotFoundError extends InitialAccessTokenError {
  override readonly name = 'InitialAccessTokenNotFoundError';
  constructor(readonly tokenId: string) {
    super(`unknown initial access token ${JSON.stringify(tokenId)}`);
  }
}

/** The options asked for a new token are out of range; the message names the option. */
export class InvalidInitialAccessTokenOptionsError extends InitialAccessTokenError {
  override readonly name = 'InvalidInitialAccessTokenOptionsError';
}
