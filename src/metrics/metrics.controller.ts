import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MeshidConfig } from '../config/meshid-config.js';
import { metricsAccessAllowed } from './metrics-access.js';
import { MetricsRegistry } from './metrics-registry.js';

/**
 * `GET /metrics`, Prometheus' text format, for operators: never over Funnel (the Funnel gate
 * refuses every route it does not list), and behind a bearer token when MESHID_METRICS_TOKEN is
 * set. Nothing in it names a person, a client secret or a token: labels are route patterns,
 * grant types, methods, outcomes and projection names.
 */
@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(
    private readonly registry: MetricsRegistry,
    @Inject(MeshidConfig) private readonly config: MeshidConfig,
  ) {}

  @Get('metrics')
  async metrics(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    reply.header('cache-control', 'no-store');
    if (!metricsAccessAllowed(request.headers.authorization, this.config.metricsToken)) {
      await reply
        .status(401)
        .headers({ 'www-authenticate': 'Bearer realm="metrics"', 'content-type': 'application/json' })
        .send({ error: 'invalid_token', error_description: 'GET /metrics needs the metrics token (MESHID_METRICS_TOKEN) as a bearer token' });
      return;
    }
    const text = await this.registry.metrics();
    await reply.status(200).header('content-type', this.registry.contentType).send(text);
  }
}
