import { Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { formBody, readParameters, type RequestParameters } from '../../authorization/http/request-parameters.js';
import { join, link, paragraph } from '../../common/http/html/html.js';
import { sendHtmlPage, sendRedirect } from '../../common/http/html/html-page.js';
import { BrowserSessions } from '../../sessions/browser-sessions.js';
import { EndSessionCommand } from '../../sessions/commands/end-session.command.js';
import { EnrolTotpCommand, RemoveTotpCommand } from '../commands/enrol-totp.command.js';
import { SetPasswordCommand } from '../commands/set-password.command.js';
import { InvalidAccountInputError, TotpEnrolmentRejectedError } from '../domain/account.errors.js';
import { AccountSignIn } from '../sign-in/account-sign-in.js';
import { ACCOUNT_NOTICES, type AccountNotice, sendAccountPage, sendTotpEnrolmentPage } from './account-page.js';
import { minutesText } from './sign-in-flow.js';
import { AccountsEnabledGuard } from './accounts-enabled.guard.js';
import { RequestContext } from './request-context.js';
import { type SignedInAccount, SignedInAccounts } from './signed-in-account.js';
import { refuseRepeated } from './refusal-page.js';

/**
 * `/account`: the signed-in person's own page and its password, authenticator-app and sign-out
 * forms (passkeys: AccountPasskeysController). Every POST needs the session's form token; a
 * browser not signed in with its own credentials is sent to the sign-in page.
 */
@UseGuards(AccountsEnabledGuard)
@Controller('account')
export class AccountController {
  constructor(
    private readonly accounts: SignedInAccounts,
    private readonly signIn: AccountSignIn,
    private readonly sessions: BrowserSessions,
    private readonly commands: CommandBus,
    private readonly context: RequestContext,
  ) {}

  @Get()
  async page(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const signedIn = await this.accounts.current(request);
    if (signedIn === null) return sendRedirect(reply, '/login');
    const done = readParameters(request.query).get('done');
    const notice = done !== undefined && Object.hasOwn(ACCOUNT_NOTICES, done) ? ACCOUNT_NOTICES[done as AccountNotice] : undefined;
    sendAccountPage(reply, { account: signedIn.account, csrf: this.accounts.formToken(signedIn), ...(notice !== undefined ? { notice } : {}) });
  }

  @Post('password')
  async changePassword(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const form = await this.form(request, reply);
    if (form === null) return;
    const { signedIn, params } = form;
    const { account } = signedIn;
    const again = (message: string, status = 400) => sendAccountPage(reply, { account, csrf: this.accounts.formToken(signedIn), message, status });
    const next = params.get('new_password');
    if (next === undefined) return again('Enter the new password.');
    if (account.hasPassword) {
      // The current password is checked as a sign-in is, so its guesses are rate-limited and
      // recorded too. `second_factor_required` is only ever answered to a correct password.
      const current = params.get('current_password');
      if (current === undefined) return again('Enter your current password.');
      const outcome = await this.signIn.password(account.login, current, undefined, this.context.attempt(request, String(request.id)));
      if (!outcome.ok && outcome.reason === 'rate_limited') return again(`Too many attempts. Wait ${minutesText(Math.max(1, Math.ceil(outcome.retryAfterSeconds ?? 60)))} and try again.`, 429);
      if (!outcome.ok && outcome.reason !== 'second_factor_required') return again('The current password is not right.', 403);
    }
    try {
      await this.accounts.settle(await this.commands.execute(new SetPasswordCommand(account.accountId, next, this.context.command(request, account.subject))));
    } catch (error) {
      if (!(error instanceof InvalidAccountInputError)) throw error;
      return again(`The new password is not accepted: ${error.reason}.`);
    }
    sendRedirect(reply, '/account?done=password_changed');
  }

  /** A new authenticator-app secret to add (not stored until a code from the app confirms it). */
  @Get('totp')
  async totpEnrolment(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const signedIn = await this.accounts.current(request);
    if (signedIn === null) return sendRedirect(reply, '/login');
    const enrolment = await this.signIn.totpEnrolment(signedIn.account);
    sendTotpEnrolmentPage(reply, { csrf: this.accounts.formToken(signedIn), ...enrolment });
  }

  @Post('totp')
  async enrolTotp(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const form = await this.form(request, reply);
    if (form === null) return;
    const { signedIn, params } = form;
    const token = params.get('enrolment_token');
    const code = params.get('code');
    try {
      if (token === undefined || code === undefined) throw new TotpEnrolmentRejectedError('wrong_code');
      await this.accounts.settle(await this.commands.execute(new EnrolTotpCommand(signedIn.account.accountId, token, code, this.context.command(request, signedIn.account.subject))));
    } catch (error) {
      if (!(error instanceof TotpEnrolmentRejectedError)) throw error;
      // A fresh secret: the refused one may have been mistyped into the app.
      const enrolment = await this.signIn.totpEnrolment(signedIn.account);
      const message = error.reason === 'wrong_code' ? 'That code is not right: add this new secret to your app and enter its code.' : 'This setup has expired: add this new secret to your app and enter its code.';
      return sendTotpEnrolmentPage(reply, { csrf: this.accounts.formToken(signedIn), ...enrolment, message, status: 400 });
    }
    sendRedirect(reply, '/account?done=totp_enrolled');
  }

  @Post('totp/remove')
  async removeTotp(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const form = await this.form(request, reply);
    if (form === null) return;
    const { account } = form.signedIn;
    if (account.hasTotp) await this.accounts.settle(await this.commands.execute(new RemoveTotpCommand(account.accountId, this.context.command(request, account.subject))));
    sendRedirect(reply, '/account?done=totp_removed');
  }

  /** Ends this browser's session (its grants are revoked by SessionGrantsReactor) and forgets the cookie. */
  @Post('sign-out')
  async signOut(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const form = await this.form(request, reply);
    if (form === null) return;
    const { session, account } = form.signedIn;
    await this.commands.execute(new EndSessionCommand(session.sessionId, 'logout', this.context.command(request, account.subject)));
    this.sessions.clearCookie(reply);
    sendHtmlPage(reply, 'You are signed out', join([paragraph('This browser is no longer signed in to meshid.'), link('/login', 'Sign in again')]));
  }

  /** The signed-in account and the form's parameters, or null once the refusal is sent. */
  private async form(request: FastifyRequest, reply: FastifyReply): Promise<{ signedIn: SignedInAccount; params: RequestParameters } | null> {
    return accountForm(this.accounts, request, reply);
  }
}

/** A POST of an account-page form: signed in (else to /login), the session's form token (else 403), no repeated fields. */
export async function accountForm(accounts: SignedInAccounts, request: FastifyRequest, reply: FastifyReply): Promise<{ signedIn: SignedInAccount; params: RequestParameters } | null> {
  const signedIn = await accounts.current(request);
  if (signedIn === null) {
    sendRedirect(reply, '/login');
    return null;
  }
  const params = readParameters(formBody(request.headers['content-type'], request.body));
  if (refuseRepeated(reply, params, '/account', 'Your account')) return null;
  if (!accounts.isFormToken(signedIn, params.get('csrf'))) {
    sendHtmlPage(reply, 'This form has expired', join([paragraph('Open your account page again and retry.'), link('/account', 'Your account')]), { status: 403 });
    return null;
  }
  return { signedIn, params };
}
