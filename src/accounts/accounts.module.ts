import { Module } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { PolicyModule } from '../policy/policy.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { AccountSessionResolver } from './account-session.resolver.js';
import { FirstRunBootstrap } from './bootstrap/first-run-bootstrap.js';
import { IssueBootstrapLinkHandler } from './bootstrap/issue-bootstrap-link.handler.js';
import { AccountCreator } from './commands/account-creation.js';
import { AddPasskeyHandler, RemovePasskeyHandler } from './commands/add-passkey.handler.js';
import { CompleteAccountSetupHandler } from './commands/complete-account-setup.handler.js';
import { CompleteBootstrapHandler } from './commands/complete-bootstrap.handler.js';
import { CreateAccountHandler } from './commands/create-account.handler.js';
import { DeleteAccountHandler } from './commands/delete-account.handler.js';
import { DisableAccountHandler, EnableAccountHandler } from './commands/disable-account.handler.js';
import { EnrolTotpHandler, RemoveTotpHandler } from './commands/enrol-totp.handler.js';
import { ForgetSubjectHandler } from './commands/forget-subject.handler.js';
import { IssueSetupLinkHandler } from './commands/issue-setup-link.handler.js';
import { LoginNameClaims } from './commands/login-name-claims.js';
import { RemovePasswordHandler, SetPasswordHandler } from './commands/set-password.handler.js';
import { UpdateAccountHandler } from './commands/update-account.handler.js';
import { PasskeyRelyingParty } from './credentials/passkey-relying-party.js';
import { TotpSecrets } from './credentials/totp-enrolments.js';
import { WebauthnChallenges } from './credentials/webauthn-challenges.js';
import { AccountDirectory } from './read-model/account-directory.js';
import { AccountsProjection } from './read-model/accounts.projection.js';
import { AccountSetupLinks } from './setup/account-setup-links.js';
import { AccountSignIn } from './sign-in/account-sign-in.js';
import { LoginTrail } from './sign-in/login-trail.js';
import { SignInAttempts } from './sign-in/sign-in-attempts.js';

const COMMAND_HANDLERS = [
  CreateAccountHandler,
  UpdateAccountHandler,
  DisableAccountHandler,
  EnableAccountHandler,
  DeleteAccountHandler,
  SetPasswordHandler,
  RemovePasswordHandler,
  AddPasskeyHandler,
  RemovePasskeyHandler,
  EnrolTotpHandler,
  RemoveTotpHandler,
  IssueSetupLinkHandler,
  CompleteAccountSetupHandler,
  CompleteBootstrapHandler,
  IssueBootstrapLinkHandler,
  ForgetSubjectHandler,
];

/**
 * Local accounts (sign-in from outside the tailnet) and people's personal data: the account
 * commands (through the CommandBus), the `accounts` read model, sign-in with passwords, TOTP and
 * passkeys, setup and first-run bootstrap links, the login trail, and the `account` identity resolver.
 */
@Module({
  imports: [SessionsModule, PolicyModule],
  providers: [
    Clock,
    ...COMMAND_HANDLERS,
    AccountCreator,
    LoginNameClaims,
    WebauthnChallenges,
    PasskeyRelyingParty,
    TotpSecrets,
    AccountsProjection,
    AccountDirectory,
    AccountSetupLinks,
    LoginTrail,
    SignInAttempts,
    AccountSignIn,
    AccountSessionResolver,
    FirstRunBootstrap,
  ],
  exports: [AccountDirectory, AccountSetupLinks, AccountSignIn, LoginTrail],
})
export class AccountsModule {}
