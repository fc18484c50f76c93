import { Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { formBody, readParameters } from '../../authorization/http/request-parameters.js';
import { join, link, paragraph } from '../../common/http/html/html.js';
import { sendHtmlPage, sendJson } from '../../common/http/html/html-page.js';
import { BrowserSessions } from '../../sessions/browser-sessions.js';
import { CompleteAccountSetupCommand } from '../commands/complete-account-setup.command.js';
import { CompleteBootstrapCommand } from '../commands/complete-bootstrap.command.js';
import type { AccountCommandResult } from '../commands/account-stream.js';
import type { PasskeyCredential } from '../credentials/passkey-credential.js';
import { AccountLoginTakenError, InvalidAccountInputError, PasskeyRejectedError, SetupLinkInvalidError } from '../domain/account.errors.js';
import { accountSubject } from '../domain/account.events.js';
import { validEmail, validName } from '../domain/account-input.js';
import { loginRuleViolation } from '../domain/login-name.js';
import { AccountDirectory } from '../read-model/account-directory.js';
import { AccountSetupLinks } from '../setup/account-setup-links.js';
import { AccountSignIn } from '../sign-in/account-sign-in.js';
import { jsonBody, stringMember } from './json-body.js';
import { LoginCsrf } from './login-csrf.js';
import { refuseRepeated, sendRefusal } from './refusal-page.js';
import { AccountsEnabledGuard } from './accounts-enabled.guard.js';
import { RequestContext } from './request-context.js';
import { sendSetupPage, type SetupPageModel } from './setup-page.js';
import { SignedInAccounts } from './signed-in-account.js';

const LINK_UNUSABLE = 'This setup link is invalid, has expired or was already used. Ask an administrator for a new one.';

/**
 * `/setup?token=…`: the one-time links that let a person set their own credentials: the first
 * run's bootstrap link (creates the first administrator) and an account's setup link. The link's
 * token is checked on every request (AccountSetupLinks.open) and spent by the completing command
 * in the same append that stores the credential, so a link works exactly once.
 */
@UseGuards(AccountsEnabledGuard)
@Controller('setup')
export class SetupController {
  constructor(
    private readonly links: AccountSetupLinks,
    private readonly signIn: AccountSignIn,
    private readonly sessions: BrowserSessions,
    private readonly commands: CommandBus,
    private readonly csrf: LoginCsrf,
    private readonly context: RequestContext,
    private readonly accounts: SignedInAccounts,
    private readonly directory: AccountDirectory,
  ) {}

  @Get()
  async page(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const token = readParameters(request.query).get('token');
    const opened = token === undefined ? null : await this.links.open(token);
    if (token === undefined || opened === null) return sendRefusal(reply, 410, 'This setup link cannot be used', LINK_UNUSABLE, '/login', 'Sign in');
    sendSetupPage(reply, { csrf: this.csrf.token(request, reply), token, account: opened.kind === 'account' ? opened.account : null });
  }

  /** The WebAuthn creation options for the passkey the link's person is making (JSON, for assets/passkey.js). */
  @Post('passkey/options')
  async passkeyOptions(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const body = jsonBody(request);
    if (body === null || !this.csrf.verify(request, body['csrf'])) return sendJson(reply, 403, { error: 'This page has expired: reload it and try again.' });
    const token = stringMember(body, 'token', 128);
    const opened = token === undefined ? null : await this.links.open(token);
    if (opened === null) return sendJson(reply, 410, { error: LINK_UNUSABLE });
    if (opened.kind === 'account') {
      const { account } = opened;
      return sendJson(reply, 200, await this.signIn.passkeyRegistrationOptions({ accountId: account.accountId, login: account.login, name: account.name, excludeCredentialIds: account.passkeys.map((p) => p.credentialId) }));
    }
    const login = stringMember(body, 'login', 64);
    const name = stringMember(body, 'name', 200);
    if (login === undefined || name === undefined) return sendJson(reply, 400, { error: 'Choose a login and enter your name first.' });
    // Checked before the authenticator makes a passkey, which would otherwise outlive a refused form.
    const problem = await this.profileProblem(login, name, stringMember(body, 'email', 320));
    if (problem !== null) return sendJson(reply, 400, { error: problem });
    sendJson(reply, 200, await this.signIn.passkeyRegistrationOptions({ accountId: null, login, name, excludeCredentialIds: [] }));
  }

  /** Why the bootstrap form's profile would be refused (CompleteBootstrapCommand checks it again), or null. */
  private async profileProblem(login: string, name: string, email: string | undefined): Promise<string | null> {
    const loginProblem = loginRuleViolation(login);
    if (loginProblem !== null) return `The login is not accepted: ${loginProblem}.`;
    try {
      validName(name);
      validEmail(email);
    } catch (error) {
      if (error instanceof InvalidAccountInputError) return `The ${error.field} is not accepted: ${error.reason}.`;
      throw error;
    }
    return (await this.directory.byLogin(login)) !== null ? 'That login is taken: choose another.' : null;
  }

  @Post()
  async complete(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const params = readParameters(formBody(request.headers['content-type'], request.body));
    if (refuseRepeated(reply, params, '/login')) return;
    const token = params.get('token');
    if (!this.csrf.verify(request, params.get('csrf')) || token === undefined) {
      const again = token !== undefined && token.length <= 128 ? `/setup?${new URLSearchParams({ token })}` : '/login';
      return sendRefusal(reply, 403, 'This setup form has expired', 'Open the setup link again and retry.', again);
    }
    const opened = await this.links.open(token);
    if (opened === null) return sendRefusal(reply, 410, 'This setup link cannot be used', LINK_UNUSABLE, '/login', 'Sign in');

    const values = { login: params.get('login'), name: params.get('name'), email: params.get('email'), passkeyName: params.get('passkey_name') };
    const again = (message: string, status = 400) => {
      const model: SetupPageModel = { csrf: this.csrf.token(request, reply), token, account: opened.kind === 'account' ? opened.account : null, values: definedOnly(values), message, status };
      sendSetupPage(reply, model);
    };

    let secret: { password: string } | { passkey: PasskeyCredential };
    const passkeyResponse = params.get('passkey_response');
    if (passkeyResponse !== undefined) {
      try {
        secret = { passkey: await this.signIn.verifyPasskeyRegistration(parseJson(passkeyResponse), params.get('challenge_token'), values.passkeyName ?? 'Passkey') };
      } catch (error) {
        if (!(error instanceof PasskeyRejectedError)) throw error;
        return again(`The passkey could not be added: ${error.reason}.`);
      }
    } else {
      const password = params.get('password');
      if (password === undefined) return again('Choose a password, or create a passkey.');
      secret = { password };
    }

    const context = this.context.command(request, 'setup-link');
    let result: AccountCommandResult;
    try {
      if (opened.kind === 'bootstrap') {
        if (values.login === undefined || values.name === undefined) return again('Choose a login and enter your name.');
        const profile = { login: values.login, name: values.name, ...(values.email !== undefined ? { email: values.email } : {}) };
        result = await this.commands.execute(new CompleteBootstrapCommand(token, profile, secret, context));
      } else {
        result = await this.commands.execute(new CompleteAccountSetupCommand(token, secret, context));
      }
    } catch (error) {
      if (error instanceof SetupLinkInvalidError) return sendRefusal(reply, 410, 'This setup link cannot be used', LINK_UNUSABLE, '/login', 'Sign in');
      if (error instanceof AccountLoginTakenError) return again('That login is taken: choose another.', 409);
      if (error instanceof InvalidAccountInputError) return again(`The ${error.field} is not accepted: ${error.reason}.`);
      throw error;
    }

    // The next pages (sign-in, the account page) read the account from the read model.
    await this.accounts.settle(result);
    const subject = accountSubject(result.accountId);
    await this.sessions.signIn(request, reply, subject, { method: 'passkey' in secret ? 'passkey' : 'password' }, this.context.command(request, subject, context.correlationId));
    const next =
      opened.kind === 'bootstrap'
        ? [paragraph('You are the first administrator, and you are signed in.'), link('/', 'Open the administration page'), link('/account', 'Your account')]
        : [paragraph('You are signed in.'), link('/account', 'Your account')];
    sendHtmlPage(reply, 'Your account is ready', join(next));
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function definedOnly<T extends Record<string, string | undefined>>(values: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: string };
}
