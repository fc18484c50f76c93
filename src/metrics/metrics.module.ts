import { Global, Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module.js';
import { EventStoreMetrics } from './event-store-metrics.js';
import { HttpMetrics } from './http-metrics.js';
import { LoginMetrics } from './login-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsRegistry } from './metrics-registry.js';
import { ProjectionMetrics } from './projection-metrics.js';
import { TokenMetrics } from './token-metrics.js';

/**
 * Prometheus metrics at GET /metrics, one registry per application. Global, so that the places
 * that count (token issuance, the login trail, the storage module's timed event store, the
 * server's request hook) inject the one metric they need without importing this module.
 */
@Global()
@Module({
  imports: [HealthModule],
  controllers: [MetricsController],
  providers: [MetricsRegistry, HttpMetrics, TokenMetrics, LoginMetrics, EventStoreMetrics, ProjectionMetrics],
  exports: [HttpMetrics, TokenMetrics, LoginMetrics, EventStoreMetrics],
})
export class MetricsModule {}
