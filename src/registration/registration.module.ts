import { Module } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { PolicyModule } from '../policy/policy.module.js';
import { IssueInitialAccessTokenHandler } from './commands/issue-initial-access-token.handler.js';
import { RegisterClientHandler } from './commands/register-client.handler.js';
import { RevokeInitialAccessTokenHandler } from './commands/revoke-initial-access-token.handler.js';
import { RegistrationAccess } from './http/registration-access.js';
import { RegistrationController } from './http/registration.controller.js';

/**
 * Dynamic client registration (RFC 7591) and its management protocol (RFC 7592), with the
 * initial access tokens an administrator creates to authorize registrations. Clients themselves
 * are created, updated and deleted by ClientsModule's commands, through the CommandBus.
 */
@Module({
  imports: [PolicyModule],
  controllers: [RegistrationController],
  providers: [Clock, RegistrationAccess, RegisterClientHandler, IssueInitialAccessTokenHandler, RevokeInitialAccessTokenHandler],
})
export class RegistrationModule {}
