import { randomId } from '../../common/ids.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';

/**
 * An initial access token (RFC 7591 §3) is `<tokenId>.<secret>`, like a refresh token: the id
 * (not secret) names the stream to load, so no lookup table is needed, and only the HMAC of the
 * secret is ever stored.
 */
export interface InitialAccessTokenParts {
  tokenId: string;
  secret: string;
}

const TOKEN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{21}$/;
const INITIAL_ACCESS_TOKEN = /^([A-Za-z0-9][A-Za-z0-9_-]{21})\.([A-Za-z0-9_-]{43})$/;

export const INITIAL_ACCESS_TOKEN_STREAM_PREFIX = 'initial-access-token-';

/** The most registrations one token may authorize. */
export const MAX_INITIAL_TOKEN_USES = 1000;
/** The longest an initial access token may live: 90 days. */
export const MAX_INITIAL_TOKEN_LIFETIME_MS = 90 * 24 * 3600 * 1000;
/** The shortest: one minute (anything shorter expires before it can be handed over). */
export const MIN_INITIAL_TOKEN_LIFETIME_MS = 60 * 1000;
export const MAX_INITIAL_TOKEN_DESCRIPTION_LENGTH = 200;

/** A new token: a random id (16 bytes, 22 characters) and secret (32 bytes, 43 characters). */
export function newInitialAccessToken(): InitialAccessTokenParts & { token: string } {
  const tokenId = randomId(16);
  const secret = SecretHasher.generate();
  return { tokenId, secret, token: `${tokenId}.${secret}` };
}

/** The parts of a well-formed token, or null for anything else. */
export function parseInitialAccessToken(token: string): InitialAccessTokenParts | null {
  const match = INITIAL_ACCESS_TOKEN.exec(token);
  return match ? { tokenId: match[1]!, secret: match[2]! } : null;
}

/** Whether `tokenId` could name a token (so that it can name a stream). */
export function isInitialAccessTokenId(tokenId: string): boolean {
  return TOKEN_ID.test(tokenId);
}

/** The token's stream: `initial-access-token-<tokenId>`. */
export function initialAccessTokenStream(tokenId: string): string {
  if (!isInitialAccessTokenId(tokenId)) throw new Error(`not an initial access token id: ${JSON.stringify(tokenId)}`);
  return `${INITIAL_ACCESS_TOKEN_STREAM_PREFIX}${tokenId}`;
}
