import type { FastifyRequest } from 'fastify';

/**
 * The JSON object a passkey script posted, or null: only `application/json` counts, so a
 * cross-site HTML form (which cannot send that type without a CORS preflight we never answer)
 * can never reach these endpoints; the body must also carry the CSRF token.
 */
export function jsonBody(request: FastifyRequest): Record<string, unknown> | null {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  const body = request.body;
  if (type !== 'application/json' || typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  return body as Record<string, unknown>;
}

/** A string member of at most `max` characters, or undefined. */
export function stringMember(body: Record<string, unknown>, name: string, max = 8192): string | undefined {
  const value = body[name];
  return typeof value === 'string' && value !== '' && value.length <= max ? value : undefined;
}
