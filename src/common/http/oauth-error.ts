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
