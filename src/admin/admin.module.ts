import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { Clock } from '../common/clock.js';
import { KeysModule } from '../keys/keys.module.js';
import { PolicyModule } from '../policy/policy.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { AccountsAdmin } from './application/accounts-admin.js';
import { AdminService } from './application/admin-service.js';
import { ClientActivity } from './application/client-activity.js';
import { ClientsAdmin } from './application/clients-admin.js';
import { GrantsAdmin } from './application/grants-admin.js';
import { InitialTokensAdmin } from './application/initial-tokens-admin.js';
import { KeysAdmin } from './application/keys-admin.js';
import { ReadYourWrites } from './application/read-your-writes.js';
import { SubjectsAdmin } from './application/subjects-admin.js';
import { AdminAccountsController } from './http/accounts.controller.js';
import { AdminAccess } from './http/admin-access.js';
import { AdminGuard } from './http/admin.guard.js';
import { AdminClientsController } from './http/clients.controller.js';
import { AdminGrantsController } from './http/grants.controller.js';
import { AdminInitialTokensController } from './http/initial-tokens.controller.js';
import { AdminKeysController } from './http/keys.controller.js';
import { AdminSubjectsController } from './http/subjects.controller.js';
import { AdminWhoamiController } from './http/whoami.controller.js';
import { AdminUiController } from './ui/admin-ui.controller.js';

/**
 * Administration: the REST API under /api/v1 (OpenAPI at /api/docs), the web UI at / that
 * drives it, and AdminService, through which the API and the offline CLI both act.
 */
@Module({
  imports: [AccountsModule, AuditModule, ClientsModule, KeysModule, PolicyModule, TokensModule],
  controllers: [AdminWhoamiController, AdminClientsController, AdminKeysController, AdminGrantsController, AdminInitialTokensController, AdminSubjectsController, AdminAccountsController, AdminUiController],
  providers: [Clock, ReadYourWrites, ClientsAdmin, ClientActivity, KeysAdmin, GrantsAdmin, InitialTokensAdmin, SubjectsAdmin, AccountsAdmin, AdminService, AdminAccess, AdminGuard],
  exports: [AdminService],
})
export class AdminModule {}
