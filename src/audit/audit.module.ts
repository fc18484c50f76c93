import { Module } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { AuditTrail } from './audit-trail.js';
import { AuditExportModule } from './export/audit-export.module.js';
import { LogSummaryProjection } from './read-model/log-summary.projection.js';
import { LogSummaryQuery } from './read-model/log-summary.query.js';
import { RetentionModule } from './retention/retention.module.js';
import { LogSealModule } from './seal/log-seal.module.js';

@Module({
  imports: [AuditExportModule, LogSealModule, RetentionModule],
  providers: [Clock, AuditTrail, LogSummaryProjection, LogSummaryQuery],
  exports: [AuditTrail, LogSummaryQuery],
})
export class AuditModule {}
