import { Module } from '@nestjs/common';
import { ClientsModule } from '../../clients/clients.module.js';
import { PolicyModule } from '../../policy/policy.module.js';
import { SessionsModule } from '../../sessions/sessions.module.js';
import { AccountsModule } from '../accounts.module.js';
import { AccountController } from './account.controller.js';
import { AccountPasskeysController } from './account-passkeys.controller.js';
import { AccountsAssetsController } from './assets.controller.js';
import { AskingClients } from './asking-client.js';
import { LoginController } from './login.controller.js';
import { LoginCsrf } from './login-csrf.js';
import { PasskeyLoginController } from './passkey-login.controller.js';
import { RequestContext } from './request-context.js';
import { SetupController } from './setup.controller.js';
import { SignedInAccounts } from './signed-in-account.js';

/**
 * The pages where a person outside the tailnet signs in to a local account (`/login`, with
 * passkeys or a password and TOTP), sets up an account from a one-time link (`/setup`, the first
 * administrator's bootstrap too), and manages their own credentials (`/account`). Everything is
 * decided by AccountsModule (AccountSignIn, AccountSetupLinks, the commands); these controllers
 * only render and start the browser session.
 */
@Module({
  imports: [AccountsModule, SessionsModule, ClientsModule, PolicyModule],
  controllers: [LoginController, PasskeyLoginController, SetupController, AccountController, AccountPasskeysController, AccountsAssetsController],
  providers: [LoginCsrf, RequestContext, AskingClients, SignedInAccounts],
})
export class AccountsHttpModule {}
