import { Logger } from '@nestjs/common';
import { asTemporarilyUnavailable, OAuthError } from '../../common/http/oauth-error.js';

const logger = new Logger('OAuthEndpoints');

/**
 * Runs an endpoint's work so that every failure leaves as an RFC error body: OAuth errors as they
 * are, storage that cannot be used as 503 `temporarily_unavailable` (logged once by the storage
 * health, not here), anything unexpected as a logged `server_error` (never a stack trace to the client).
 */
export async function asOAuthEndpoint<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    const unavailable = asTemporarilyUnavailable(error);
    if (unavailable !== null) throw unavailable;
    logger.error(`unexpected failure: ${(error as Error).stack ?? String(error)}`);
    throw new OAuthError('server_error', 'the server could not complete the request', 500);
  }
}
