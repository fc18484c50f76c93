import { Module } from '@nestjs/common';

/** Export of the log (issue F §1): the /api/v1/audit/events endpoint and its streaming service. */
@Module({})
export class AuditExportModule {}
