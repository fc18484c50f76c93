import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AccountsModule } from './accounts/accounts.module.js';
import { AccountsHttpModule } from './accounts/http/accounts-http.module.js';
import { AdminModule } from './admin/admin.module.js';
import { ApprovalsModule } from './approvals/approvals.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthorizationHttpModule } from './authorization/http/authorization-http.module.js';
import { HttpErrorFilter } from './common/http/http-error.filter.js';
import { AuthorizationModule } from './authorization/authorization.module.js';
import { ClientsModule } from './clients/clients.module.js';
import { ConfigModule } from './config/config.module.js';
import { CryptoModule } from './crypto/crypto.module.js';
import { DiscoveryModule } from './discovery/discovery.module.js';
import type { ServerSecrets } from './config/data-directory.js';
import type { MeshidConfig } from './config/meshid-config.js';
import { HealthModule } from './health/health.module.js';
import { KeysModule } from './keys/keys.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PolicyModule } from './policy/policy.module.js';
import { RegistrationModule } from './registration/registration.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import type { OpenStorage } from './storage/open-storage.js';
import { StorageModule } from './storage/storage.module.js';
import { TokensModule } from './tokens/tokens.module.js';

@Module({})
export class AppModule {
  static register(config: MeshidConfig, secrets: ServerSecrets, storage: OpenStorage): DynamicModule {
    return {
      module: AppModule,
      providers: [{ provide: APP_FILTER, useClass: HttpErrorFilter }],
      imports: [ConfigModule.forRoot(config, secrets), CryptoModule, CqrsModule.forRoot(), StorageModule.forRoot(storage), MetricsModule, HealthModule, AuditModule, AuthorizationModule, ClientsModule, KeysModule, TokensModule, PolicyModule, SessionsModule, AuthorizationHttpModule, DiscoveryModule, RegistrationModule, AccountsModule, AccountsHttpModule, ApprovalsModule, AdminModule],
    };
  }
}
