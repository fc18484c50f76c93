import type { FieldError } from '../../clients/domain/client-metadata.js';
import { OAuthError } from '../../common/http/oauth-error.js';

/** At most this many problems are listed, each cut at MAX_MESSAGE_LENGTH: a hostile body cannot make a huge answer. */
const MAX_LISTED = 20;
const MAX_MESSAGE_LENGTH = 300;
const REDIRECT_FIELDS = ['redirect_uris', 'post_logout_redirect_uris'];

/**
 * RFC 7591 §3.2.2: `invalid_redirect_uri` when a redirect URI (or post-logout redirect URI) is
 * at fault, else `invalid_client_metadata`; the description names every field and value.
 */
export function metadataError(errors: readonly FieldError[]): OAuthError {
  const redirect = errors.some((error) => REDIRECT_FIELDS.some((field) => error.field === field || error.field.startsWith(`${field}[`)));
  const listed = errors.slice(0, MAX_LISTED).map(({ field, message }) => {
    const line = `${field} ${message}`;
    return line.length > MAX_MESSAGE_LENGTH ? `${line.slice(0, MAX_MESSAGE_LENGTH)}...` : line;
  });
  if (errors.length > MAX_LISTED) listed.push(`and ${errors.length - MAX_LISTED} more problems`);
  return new OAuthError(redirect ? 'invalid_redirect_uri' : 'invalid_client_metadata', `invalid client metadata: ${listed.join('; ')}`);
}
