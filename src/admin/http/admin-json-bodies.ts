import type { FastifyInstance } from 'fastify';

/** The admin REST API's prefix. */
const ADMIN_API_PREFIX = '/api/v1/';

/**
 * The admin REST API takes JSON bodies only. Fastify would otherwise parse a form-encoded body
 * into the same object and a form POST would create an account: not a CSRF hole (browser calls
 * need the x-csrf-token header), but an API that accepts what it does not document. A request
 * with no body (POST .../disable) has no content type and passes.
 */
export function refuseNonJsonAdminBodies(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith(ADMIN_API_PREFIX)) return;
    const hasBody = (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0') || request.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return;
    const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    if (type === 'application/json') return;
    await reply
      .status(415)
      .headers({ 'cache-control': 'no-store', pragma: 'no-cache', 'content-type': 'application/json' })
      .send({ error: 'invalid_request', error_description: `the admin API takes application/json bodies, not ${type === undefined ? 'a body without a Content-Type' : JSON.stringify(type)}` });
  });
}
