import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * The routes any web origin may call from a browser, without credentials (no cookies: these
 * endpoints authenticate clients by their parameters or Authorization header): metadata and keys,
 * and the back channel a browser-based client (an MCP client, a single-page app) drives itself.
 * Each with the methods it answers; the preflight (OPTIONS) is answered here for all of them.
 */
export const PUBLIC_CORS_ROUTES: ReadonlyMap<string, readonly string[]> = new Map([
  ['/.well-known/openid-configuration', ['GET']],
  ['/.well-known/oauth-authorization-server', ['GET']],
  ['/.well-known/openid-configuration/*', ['GET']],
  ['/.well-known/oauth-authorization-server/*', ['GET']],
  ['/.well-known/jwks.json', ['GET']],
  ['/.well-known/webfinger', ['GET']],
  ['/token', ['POST']],
  ['/revoke', ['POST']],
  ['/register', ['POST']],
  ['/register/:clientId', ['GET', 'PUT', 'DELETE']],
]);

/**
 * `Access-Control-Allow-Headers: *` does not cover `Authorization` (Fetch standard), so the
 * request headers these endpoints read are named.
 */
const ALLOWED_HEADERS = 'Authorization, Content-Type, Accept, If-Match, DPoP';
/** What a browser script may read of an answer besides the safelisted headers. */
const EXPOSED_HEADERS = 'WWW-Authenticate, Retry-After, ETag, Location';

/**
 * Adds `Access-Control-Allow-Origin: *` to every answer of those routes, errors included (a
 * browser client must be able to read `invalid_grant`), and registers their preflight routes.
 * Must run before the application registers its routes. Never `Allow-Credentials`: with origin `*`
 * browsers send no cookies, which is what keeps a hostile page from riding a signed-in session.
 */
export function installPublicCors(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route === undefined || !PUBLIC_CORS_ROUTES.has(route)) return;
    reply.header('access-control-allow-origin', '*');
    reply.header('access-control-expose-headers', EXPOSED_HEADERS);
  });
  for (const [route, methods] of PUBLIC_CORS_ROUTES) {
    fastify.options(route, async (_request, reply: FastifyReply) => {
      await reply
        .status(204)
        .headers({
          'access-control-allow-methods': [...methods, 'OPTIONS'].join(', '),
          'access-control-allow-headers': ALLOWED_HEADERS,
          'access-control-max-age': '86400',
        })
        .send();
    });
  }
}
