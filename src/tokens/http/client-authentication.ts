import type { TokenEndpointAuthMethod } from '../../clients/domain/client-metadata.js';
import { OAuthError } from '../../common/http/oauth-error.js';
import type { FormParameters } from './form-parameters.js';

/** The credentials a request presented, before they are checked against the directory. */
export interface PresentedCredentials {
  method: TokenEndpointAuthMethod;
  clientId: string;
  /** Absent for `none`. */
  secret?: string;
}

/** RFC 7235 requires a challenge on every 401; Basic is the scheme meshid accepts. */
export const BASIC_CHALLENGE = { 'www-authenticate': 'Basic realm="meshid"' } as const;

export function invalidClient(description: string): OAuthError {
  return new OAuthError('invalid_client', description, 401, BASIC_CHALLENGE);
}

/**
 * Which client authentication a request uses (RFC 6749 §2.3): HTTP Basic, `client_secret_post`,
 * or `none` (a `client_id` alone). Using two methods at once is `invalid_request` (§2.3); a
 * malformed Basic header or no client at all is `invalid_client`. Checks no secret.
 */
export function presentedCredentials(authorization: string | undefined, form: FormParameters): PresentedCredentials {
  const formId = form.get('client_id');
  const formSecret = form.get('client_secret');
  const basic = authorization === undefined ? null : parseBasic(authorization);
  if (basic !== null) {
    if (formSecret !== undefined) throw new OAuthError('invalid_request', 'use one client authentication method: HTTP Basic or client_secret in the body, not both');
    if (formId !== undefined && formId !== basic.clientId) throw new OAuthError('invalid_request', 'client_id in the body differs from the one of the Authorization header');
    return { method: 'client_secret_basic', ...basic };
  }
  if (formId === undefined) throw invalidClient(formSecret === undefined ? 'client authentication is required' : 'client_id is required');
  if (formSecret !== undefined) return { method: 'client_secret_post', clientId: formId, secret: formSecret };
  return { method: 'none', clientId: formId };
}

/**
 * `Basic base64(urlencode(id) ":" urlencode(secret))` (RFC 6749 §2.3.1): both halves are
 * form-urlencoded, so `%3A` is a colon and `+` a space. Null when the header is not Basic at all
 * (another scheme is no client authentication); `invalid_client` when it is Basic but malformed.
 */
export function parseBasic(authorization: string): { clientId: string; secret: string } | null {
  const match = /^basic(?:\s+(.*))?$/is.exec(authorization.trim());
  if (match === null) return null;
  const encoded = (match[1] ?? '').trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw invalidClient('malformed HTTP Basic credentials');
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw invalidClient('malformed HTTP Basic credentials: no colon');
  const clientId = formDecode(decoded.slice(0, colon));
  const secret = formDecode(decoded.slice(colon + 1));
  if (clientId === '' || secret === '') throw invalidClient('HTTP Basic credentials need a client id and a secret');
  return { clientId, secret };
}

function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw invalidClient('malformed HTTP Basic credentials: bad percent-encoding');
  }
}
