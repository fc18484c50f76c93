import { DiscoveryService } from '@nestjs/core';

/** Injection token of the open read-model database (`ReadModelDatabase` from `#projections`). */
export const READ_MODEL_DATABASE = Symbol('READ_MODEL_DATABASE');

/**
 * Marks a provider as a projection (it implements `Projection` from `#projections`); the
 * projections service finds every marked provider, in any module, and runs it.
 */
export const ReadModelProjection = DiscoveryService.createDecorator<void>();
