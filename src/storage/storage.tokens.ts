import { DiscoveryService } from '@nestjs/core';

/** Injection token of the open read-model database (`ReadModelDatabase` from `#projections`). */
export const READ_MODEL_DATABASE = Symbol('READ_MODEL_DATABASE');

/**
 * Injection token of the event store adapter itself (`EventStore` from `#event-store`), events
 * exactly as recorded. Everything else reads and writes through `EVENT_STORE`; only what must see
 * the stored bytes (sealing and verifying the log, retention) uses this one.
 */
export const RAW_EVENT_STORE = Symbol('RAW_EVENT_STORE');

/**
 * Marks a provider as a projection (it implements `Projection` from `#projections`); the
 * projections service finds every marked provider, in any module, and runs it.
 */
export const ReadModelProjection = DiscoveryService.createDecorator<void>();
