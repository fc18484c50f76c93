import type { FastifyInstance } from 'fastify';

/** Largest request body of any route: the admin REST API (bulk edits of clients or accounts). */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/**
 * Largest body of every other route: OAuth forms (/token, /authorize, /revoke...), sign-in and
 * consent forms, WebAuthn JSON and RFC 7591 registrations are a few kB at most (a registration
 * with many redirect URIs, a passkey attestation with its certificate chain: well under 16 KiB).
 */
export const FORM_BODY_LIMIT_BYTES = 64 * 1024;
const ADMIN_API_PREFIX = '/api/v1/';

/**
 * Gives every route but the admin API's the smaller body limit. Must be installed before any
 * route is declared (Fastify applies onRoute to routes declared after it); a body over its limit
 * is refused with 413 before it is read to the end, rendered by HttpErrorFilter as
 * `{error: "invalid_request"}` with no-store.
 */
export function installBodyLimits(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    if (route.bodyLimit !== undefined || route.url.startsWith(ADMIN_API_PREFIX)) return;
    route.bodyLimit = FORM_BODY_LIMIT_BYTES;
  });
}
