import {
  AccountCredentialNotFoundError,
  AccountError,
  AccountLoginTakenError,
  AccountNotFoundError,
  InvalidAccountInputError,
  StaleAccountRevisionError,
} from '../../accounts/domain/account.errors.js';
import { AdminApiError } from '../api/admin-api.js';

/**
 * The accounts module's refusals as admin API errors (see toAdminError); null for anything that
 * is not one. A login taken is a conflict (another name may succeed), a revision the caller named
 * that is no longer current a failed precondition, a writer in between a conflict.
 */
export function accountRefusalAsAdminError(error: unknown): AdminApiError | null {
  if (!(error instanceof AccountError)) return null;
  if (error instanceof AccountNotFoundError || error instanceof AccountCredentialNotFoundError) return new AdminApiError('not_found', error.message);
  if (error instanceof AccountLoginTakenError) return new AdminApiError('conflict', error.message, [{ field: 'login', message: 'is taken' }]);
  if (error instanceof InvalidAccountInputError) return new AdminApiError('invalid_request', error.message, [{ field: snakeCase(error.field), message: error.reason }]);
  if (error instanceof StaleAccountRevisionError) return new AdminApiError(error.expected === undefined ? 'conflict' : 'precondition_failed', error.message);
  return new AdminApiError('invalid_request', error.message);
}

/** The domain names fields in camelCase (`emailVerified`); the API in snake_case. */
const snakeCase = (field: string) => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
