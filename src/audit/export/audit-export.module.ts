import { Module } from '@nestjs/common';
import { AdminAccess } from '../../admin/http/admin-access.js';
import { AdminGuard } from '../../admin/http/admin.guard.js';
import { ClientsModule } from '../../clients/clients.module.js';
import { Clock } from '../../common/clock.js';
import { PolicyModule } from '../../policy/policy.module.js';
import { TokensModule } from '../../tokens/tokens.module.js';
import { AuditTrail } from '../audit-trail.js';
import { AuditExportController } from './audit-export.controller.js';
import { AuditExport } from './audit-export.service.js';

/**
 * Export of the log (issue F §1): the /api/v1/audit/events endpoint and its streaming service.
 * The endpoint is guarded by the admin API's own AdminAccess and AdminGuard, so exactly who may
 * administer may export. They are provided here from the modules they need rather than imported:
 * AdminModule imports AuditModule, which imports this module, and importing either back would be
 * a cycle. So refusals here go through an AuditTrail of this module's own: recorded the same way,
 * throttled in windows of their own (at most 20 a minute per address and reason, as elsewhere).
 */
@Module({
  imports: [ClientsModule, PolicyModule, TokensModule],
  controllers: [AuditExportController],
  providers: [Clock, AuditTrail, AdminAccess, AdminGuard, AuditExport],
  exports: [AuditExport],
})
export class AuditExportModule {}
