import { Controller, Post, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendJson, sendRedirect } from '../../common/http/html/html-page.js';
import { AddPasskeyCommand, RemovePasskeyCommand } from '../commands/add-passkey.command.js';
import { AccountCredentialNotFoundError, InvalidAccountInputError, PasskeyRejectedError } from '../domain/account.errors.js';
import { AccountSignIn } from '../sign-in/account-sign-in.js';
import { accountForm } from './account.controller.js';
import { sendAccountPage } from './account-page.js';
import { jsonBody } from './json-body.js';
import { AccountsEnabledGuard } from './accounts-enabled.guard.js';
import { RequestContext } from './request-context.js';
import { SignedInAccounts } from './signed-in-account.js';

/**
 * The account page's passkeys: creation options for assets/passkey.js (JSON), adding the
 * credential it made (the form it submits), and removing one. A passkey can be added only by
 * the signed-in person, to their own account, with the session's form token.
 */
@UseGuards(AccountsEnabledGuard)
@Controller('account/passkeys')
export class AccountPasskeysController {
  constructor(
    private readonly accounts: SignedInAccounts,
    private readonly signIn: AccountSignIn,
    private readonly commands: CommandBus,
    private readonly context: RequestContext,
  ) {}

  @Post('options')
  async options(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const signedIn = await this.accounts.current(request);
    if (signedIn === null) return sendJson(reply, 401, { error: 'You are not signed in any more: sign in again.' });
    const body = jsonBody(request);
    if (body === null || typeof body['csrf'] !== 'string' || !this.accounts.isFormToken(signedIn, body['csrf'])) return sendJson(reply, 403, { error: 'This page has expired: reload it and try again.' });
    const { account } = signedIn;
    sendJson(reply, 200, await this.signIn.passkeyRegistrationOptions({ accountId: account.accountId, login: account.login, name: account.name, excludeCredentialIds: account.passkeys.map((p) => p.credentialId) }));
  }

  @Post()
  async add(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const form = await accountForm(this.accounts, request, reply);
    if (form === null) return;
    const { signedIn, params } = form;
    const { account } = signedIn;
    const again = (message: string) => sendAccountPage(reply, { account, csrf: this.accounts.formToken(signedIn), message, status: 400 });
    try {
      const credential = await this.signIn.verifyPasskeyRegistration(parseJson(params.get('passkey_response')), params.get('challenge_token'), params.get('passkey_name') ?? 'Passkey');
      await this.accounts.settle(await this.commands.execute(new AddPasskeyCommand(account.accountId, credential, this.context.command(request, account.subject))));
    } catch (error) {
      if (error instanceof PasskeyRejectedError) return again(`The passkey could not be added: ${error.reason}.`);
      if (error instanceof InvalidAccountInputError) return again(`The passkey could not be added: ${error.reason}.`);
      throw error;
    }
    sendRedirect(reply, '/account?done=passkey_added');
  }

  @Post('remove')
  async remove(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const form = await accountForm(this.accounts, request, reply);
    if (form === null) return;
    const { account } = form.signedIn;
    const credentialId = form.params.get('credential_id');
    // The page refuses to lock its owner out: the last way to sign in stays until another exists.
    if (!account.hasPassword && account.passkeys.length <= 1) {
      return sendAccountPage(reply, { account, csrf: this.accounts.formToken(form.signedIn), message: 'This passkey is your only way to sign in: set a password or add another passkey first.', status: 409 });
    }
    try {
      if (credentialId === undefined) throw new AccountCredentialNotFoundError(account.accountId, 'such passkey');
      await this.accounts.settle(await this.commands.execute(new RemovePasskeyCommand(account.accountId, credentialId, this.context.command(request, account.subject))));
    } catch (error) {
      if (!(error instanceof AccountCredentialNotFoundError)) throw error;
      return sendAccountPage(reply, { account, csrf: this.accounts.formToken(form.signedIn), message: 'That passkey is not on your account.', status: 404 });
    }
    sendRedirect(reply, '/account?done=passkey_removed');
  }
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
