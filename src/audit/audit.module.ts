import { Module } from '@nestjs/common';
import { LogSummaryProjection } from './read-model/log-summary.projection.js';
import { LogSummaryQuery } from './read-model/log-summary.query.js';

@Module({ providers: [LogSummaryProjection, LogSummaryQuery], exports: [LogSummaryQuery] })
export class AuditModule {}
