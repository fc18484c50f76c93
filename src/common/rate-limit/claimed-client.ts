import type { FastifyRequest } from 'fastify';

/**
 * The client_id a request to /token, /introspect or /revoke names, before anything checks it:
 * from HTTP Basic (RFC 6749 §2.3.1, form-urlencoded inside the base64) or the body's one
 * `client_id`. Only a key for counting: anything malformed is undefined here and refused by the
 * endpoint itself (ClientAuthenticator), which stays the only judge of who the client is.
 */
export function claimedClientId(request: Pick<FastifyRequest, 'headers' | 'body'>): string | undefined {
  const authorization = request.headers.authorization;
  const basic = typeof authorization === 'string' ? /^basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(authorization.trim()) : null;
  if (basic !== null) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return undefined;
    try {
      return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
    } catch {
      return undefined;
    }
  }
  const body = request.body;
  if (typeof body !== 'object' || body === null) return undefined;
  const clientId = (body as Record<string, unknown>)['client_id'];
  return typeof clientId === 'string' && clientId !== '' ? clientId : undefined;
}
