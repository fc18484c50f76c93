import { Module } from '@nestjs/common';
import { RetentionReactor } from './retention.reactor.js';
import { RetentionService } from './retention.service.js';

/**
 * Retention (issue F §5): authorization-code and audit-day streams get a max age from the
 * configuration (RetentionReactor), and the store drops what is past it (RetentionService).
 */
@Module({
  providers: [RetentionReactor, RetentionService],
  exports: [RetentionService],
})
export class RetentionModule {}
