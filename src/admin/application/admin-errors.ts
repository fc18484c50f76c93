import {
  ClientAlreadyExistsError,
  ClientHasNoSecretError,
  ClientNotFoundError,
  InvalidClientIdError,
  InvalidClientMetadataError,
  StaleClientRevisionError,
} from '../../clients/domain/client.errors.js';
import { UnknownSigningKeyError } from '../../keys/domain/key-retirement.js';
import { InitialAccessTokenNotFoundError, InvalidInitialAccessTokenOptionsError } from '../../registration/domain/initial-access-token.errors.js';
import { AdminApiError } from '../api/admin-api.js';
import { accountRefusalAsAdminError } from './account-admin-errors.js';

/**
 * The one translation of domain refusals into admin API errors, so that the HTTP API and the
 * offline CLI refuse alike. Anything not listed is not a refusal but a failure, and is rethrown.
 */
export function toAdminError(error: unknown): unknown {
  if (error instanceof AdminApiError) return error;
  if (error instanceof InvalidClientMetadataError) {
    return new AdminApiError('invalid_request', error.message, error.errors.map(({ field, message }) => ({ field, message })));
  }
  if (error instanceof InvalidClientIdError) return new AdminApiError('invalid_request', error.message, [{ field: 'client_id', message: error.message }]);
  if (error instanceof ClientNotFoundError || error instanceof UnknownSigningKeyError || error instanceof InitialAccessTokenNotFoundError) {
    return new AdminApiError('not_found', error.message);
  }
  // A revision the caller named (If-Match) is a failed precondition; a writer that got in between
  // this call's own read and write is a conflict: retrying may succeed.
  if (error instanceof StaleClientRevisionError) return new AdminApiError(error.expected === undefined ? 'conflict' : 'precondition_failed', error.message);
  if (error instanceof ClientAlreadyExistsError || error instanceof ClientHasNoSecretError) return new AdminApiError('conflict', error.message);
  if (error instanceof InvalidInitialAccessTokenOptionsError) return new AdminApiError('invalid_request', error.message);
  return accountRefusalAsAdminError(error) ?? error;
}

/** Runs `work`, turning domain refusals into AdminApiError. */
export async function refusalsAsAdminErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toAdminError(error);
  }
}
