import type { FastifyRequest } from 'fastify';
import { OAuthError } from '../../common/http/oauth-error.js';
import { formParameters } from './form-parameters.js';

const REALM = 'Bearer realm="meshid"';

export function invalidToken(description: string): OAuthError {
  return new OAuthError('invalid_token', description, 401, { 'www-authenticate': `${REALM}, error="invalid_token", error_description="${description}"` });
}

export function invalidBearerRequest(description: string): OAuthError {
  return new OAuthError('invalid_request', description, 400, { 'www-authenticate': `${REALM}, error="invalid_request", error_description="${description}"` });
}

/**
 * The access token of a protected-resource request (RFC 6750): the `Authorization: Bearer`
 * header (§2.1) or, on POST, an `access_token` form parameter (§2.2), never both (§2: one method
 * only). No token at all is 401 with a bare challenge (§3.1).
 */
export function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^bearer(?:\s+(\S*))?\s*$/i.exec(header.trim());
  const isForm = (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
  const fromBody = request.method === 'POST' && isForm ? formParameters(request).get('access_token') : undefined;
  // A Bearer header that does not parse (`Bearer a b`) is malformed (400); another scheme
  // (Basic, ...) carries no access token and is answered like no token at all.
  if (match === null && header !== undefined && /^bearer(\s|$)/i.test(header.trim())) {
    throw invalidBearerRequest('the Authorization header must be "Bearer <token>"');
  }
  const fromHeader = match === null ? undefined : match[1] || null;
  if (fromHeader === null) throw invalidBearerRequest('the Bearer scheme needs a token');
  if (fromHeader !== undefined && fromBody !== undefined) throw invalidBearerRequest('send the access token in one place only');
  const token = fromHeader ?? fromBody;
  if (token === undefined) throw new OAuthError('invalid_token', 'an access token is required', 401, { 'www-authenticate': REALM });
  return token;
}
