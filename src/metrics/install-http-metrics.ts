import type { FastifyInstance } from 'fastify';
import { routeOf } from '../logging/log-redaction.js';
import type { HttpMetrics } from './http-metrics.js';

/**
 * Counts every answered request, the 404s and the Funnel gate's refusals included. Installed
 * before the server listens: Fastify binds root hooks to routes when it becomes ready.
 */
export function installHttpMetrics(fastify: FastifyInstance, metrics: HttpMetrics): void {
  fastify.addHook('onResponse', async (request, reply) => {
    metrics.observe(request.method, routeOf(request), reply.statusCode, reply.elapsedTime / 1000);
  });
}
