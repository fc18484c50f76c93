import { Module } from '@nestjs/common';
import { ClientsModule } from '../../clients/clients.module.js';
import { AuthorizationModule } from '../authorization.module.js';
import { Clock } from '../../common/clock.js';
import { KeysModule } from '../../keys/keys.module.js';
import { PolicyModule } from '../../policy/policy.module.js';
import { SessionsModule } from '../../sessions/sessions.module.js';
import { AuthorizationResponses } from './authorization-responses.js';
import { AuthorizeController } from './authorize.controller.js';
import { ConsentController } from './consent.controller.js';
import { ConsentTokens } from './consent-token.js';
import { EndSessionController } from './end-session.controller.js';

/**
 * The browser-facing (front-channel) endpoints: /authorize with its consent form, and
 * /end-session. Codes are issued through the CommandBus, whose handlers live in
 * AuthorizationModule; browser sessions come from SessionsModule.
 */
@Module({
  imports: [AuthorizationModule, ClientsModule, KeysModule, PolicyModule, SessionsModule],
  controllers: [AuthorizeController, ConsentController, EndSessionController],
  providers: [Clock, ConsentTokens, AuthorizationResponses],
})
export class AuthorizationHttpModule {}
