import { isTemporarilyUnavailable } from '../../storage/storage-fault.js';

/** RFC 6749 §5.2 and its extensions (RFC 6750, 7009, 7591, 8693, 8707, OIDC Core §3.1.2.6). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'access_denied'
  | 'unsupported_response_type'
  | 'unsupported_token_type'
  | 'invalid_client_metadata'
  | 'invalid_redirect_uri'
  | 'invalid_target'
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  | 'not_found'
  | 'server_error'
  | 'temporarily_unavailable';

/**
 * An OAuth error for a JSON endpoint. `HttpErrorFilter` renders it, like every other error, as
 * `{error, error_description}` with `no-store`.
 */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';

  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status = 400,
    /** E.g. `WWW-Authenticate` for 401 answers (RFC 6749 §5.2, RFC 6750 §3). */
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
  }
}

/** Seconds a caller is told to wait before retrying when storage is unavailable. */
const RETRY_AFTER_SECONDS = '5';

/**
 * 503 `temporarily_unavailable` (RFC 6749 §4.1.2.1 and §5.2 as extended): meshid cannot use its
 * storage now (read-only, full, corrupt, store unreachable, read models behind). Says nothing of
 * the cause to the caller; the cause is kept for the storage health, which logs it once.
 */
export class TemporarilyUnavailableError extends OAuthError {
  constructor(cause: unknown) {
    super('temporarily_unavailable', 'the service cannot complete the request right now; try again shortly', 503, {
      'retry-after': RETRY_AFTER_SECONDS,
    });
    this.cause = cause;
  }
}

/**
 * The one mapping of storage failures for callers: a storage fault (or read models that could not
 * follow) becomes a `TemporarilyUnavailableError`, anything else null (a bug: 500 server_error).
 */
export function asTemporarilyUnavailable(error: unknown): TemporarilyUnavailableError | null {
  if (error instanceof TemporarilyUnavailableError) return error;
  return isTemporarilyUnavailable(error) ? new TemporarilyUnavailableError(error) : null;
}

/**
 * The error code of an authorization response (a redirect to the client, RFC 6749 §4.1.2.1) for a
 * failure while answering: `temporarily_unavailable` for storage that cannot be used now (logged
 * once by the storage health, so the caller need not log it), else `server_error`.
 */
export function authorizationFailureCode(error: unknown): 'temporarily_unavailable' | 'server_error' {
  return asTemporarilyUnavailable(error) === null ? 'server_error' : 'temporarily_unavailable';
}
