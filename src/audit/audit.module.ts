import { Module } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { AuditTrail } from './audit-trail.js';
import { LogSummaryProjection } from './read-model/log-summary.projection.js';
import { LogSummaryQuery } from './read-model/log-summary.query.js';

@Module({ providers: [Clock, AuditTrail, LogSummaryProjection, LogSummaryQuery], exports: [AuditTrail, LogSummaryQuery] })
export class AuditModule {}
