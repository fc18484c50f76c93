import type { FastifyInstance } from 'fastify';

/**
 * `X-Content-Type-Options: nosniff` on every answer, JSON, redirects and errors included (pages
 * set their full set of headers in html-page.ts): a browser never runs an answer of meshid as a
 * script or style it was not declared as. The answers Node writes itself (431, malformed HTTP)
 * carry it too (fastify-errors.ts).
 */
export function installSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('x-content-type-options')) reply.header('x-content-type-options', 'nosniff');
    return payload;
  });
}
