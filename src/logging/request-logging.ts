import { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { routeOf } from './log-redaction.js';
import { REQUEST_ID_HEADER } from './request-id.js';

/**
 * Fastify's request lines, made safe: one line per request once answered (none on arrival),
 * with method, matched route, status and time taken (ms) under the request's id. Fastify's own
 * lines carry the URL as sent, query string included (codes, tokens, state), and its 404 line the
 * raw path: neither is written. Its error lines go through the `req` serializer (log-redaction).
 */
export class RequestLogController extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'reqId' });
  }

  override incomingRequest(): void {}

  override routeNotFound(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const fields = { method: request.method, route: routeOf(request), status: reply.statusCode, responseTime: Math.round(reply.elapsedTime * 100) / 100 };
    if (error) reply.log.error({ ...fields, err: error }, 'request errored');
    else reply.log.info(fields, 'request completed');
  }
}

/**
 * Every answer carries its request's id in X-Request-Id, so that a caller can quote it. onSend,
 * not onRequest: it runs for every answer sent, those of an earlier onRequest hook (the Funnel
 * gate) and of the 404 handler included.
 */
export function installRequestIdHeader(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
}
