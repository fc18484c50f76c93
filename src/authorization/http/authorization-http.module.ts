import { Module } from '@nestjs/common';
import { ClientsModule } from '../../clients/clients.module.js';
import { Clock } from '../../common/clock.js';
import { KeysModule } from '../../keys/keys.module.js';
import { PolicyModule } from '../../policy/policy.module.js';
import { AuthorizeController } from './authorize.controller.js';
import { EndSessionController } from './end-session.controller.js';

/**
 * The browser-facing (front-channel) endpoints: /authorize and /end-session. Codes are issued
 * through the CommandBus, whose handlers live in AuthorizationModule.
 */
@Module({
  imports: [ClientsModule, KeysModule, PolicyModule],
  controllers: [AuthorizeController, EndSessionController],
  providers: [Clock],
})
export class AuthorizationHttpModule {}
