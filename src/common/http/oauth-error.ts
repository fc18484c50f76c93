import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/** RFC 6749 §5.2 and its extensions (RFC 6750, 7009, 7591, 8693, OIDC Core §3.1.2.6). */
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
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  | 'server_error'
  | 'temporarily_unavailable';

/** An OAuth error for a JSON endpoint: always `{error, error_description}` with `no-store`. */
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

/** Renders `OAuthError`s; put it on controllers of OAuth endpoints with `@UseFilters`. */
@Catch(OAuthError)
export class OAuthErrorFilter implements ExceptionFilter<OAuthError> {
  catch(exception: OAuthError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    reply
      .status(exception.status)
      .headers({ 'cache-control': 'no-store', pragma: 'no-cache', 'content-type': 'application/json', ...exception.headers })
      .send({ error: exception.error, error_description: exception.description });
  }
}
