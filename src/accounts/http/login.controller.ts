import { Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { formBody, readParameters } from '../../authorization/http/request-parameters.js';
import { sendRedirect } from '../../common/http/html/html-page.js';
import { BrowserSessions } from '../../sessions/browser-sessions.js';
import { AccountSignIn } from '../sign-in/account-sign-in.js';
import { AskingClients, clientIdOf } from './asking-client.js';
import { refuseRepeated, sendRefusal } from './refusal-page.js';
import { LoginCsrf } from './login-csrf.js';
import { sendLoginPage } from './login-page.js';
import { AccountsEnabledGuard } from './accounts-enabled.guard.js';
import { RequestContext } from './request-context.js';
import { destinationAfterSignIn, loginPath, minutesText, readReturnTo } from './sign-in-flow.js';

/** Said of every failed password sign-in alike: it never tells whether the login exists. */
export const SIGN_IN_FAILED = 'That login and password did not work. Check them and try again.';

/**
 * `GET /login` and `POST /login`: signing in with a login and password (and a TOTP code when the
 * account has one). AccountSignIn checks, rate-limits and records the attempt; this only shows
 * the outcome, and on success starts the browser session and goes back where it was sent from.
 */
@UseGuards(AccountsEnabledGuard)
@Controller('login')
export class LoginController {
  constructor(
    private readonly signIn: AccountSignIn,
    private readonly sessions: BrowserSessions,
    private readonly csrf: LoginCsrf,
    private readonly clients: AskingClients,
    private readonly context: RequestContext,
  ) {}

  @Get()
  async page(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const params = readParameters(request.query);
    if (refuseRepeated(reply, params, '/login')) return;
    const read = readReturnTo(params);
    if (!read.ok) return refuseReturnTo(reply);
    sendLoginPage(reply, { csrf: this.csrf.token(request, reply), returnTo: read.returnTo, client: await this.clients.of(read.returnTo), secondFactor: false });
  }

  @Post()
  async submit(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const params = readParameters(formBody(request.headers['content-type'], request.body));
    if (refuseRepeated(reply, params, '/login')) return;
    const read = readReturnTo(params);
    if (!read.ok) return refuseReturnTo(reply);
    const { returnTo } = read;
    if (!this.csrf.verify(request, params.get('csrf'))) {
      return sendRefusal(reply, 403, 'This sign-in form has expired', 'Open the sign-in page again and retry.', loginPath(returnTo));
    }
    const login = params.get('login');
    const password = params.get('password');
    const totp = params.get('totp');
    const secondFactor = params.get('second_factor') === '1' || totp !== undefined;
    const again = async (status: number, message: string, withSecondFactor = secondFactor, headers?: Record<string, string>) =>
      sendLoginPage(reply, {
        csrf: this.csrf.token(request, reply),
        returnTo,
        client: await this.clients.of(returnTo),
        ...(login !== undefined ? { login: login.slice(0, 64) } : {}),
        secondFactor: withSecondFactor,
        message,
        status,
        ...(headers !== undefined ? { headers } : {}),
      });
    if (login === undefined || password === undefined) return again(400, 'Enter your login and your password.');

    const correlationId = String(request.id);
    const outcome = await this.signIn.password(login, password, totp, this.context.attempt(request, correlationId, clientIdOf(returnTo)));
    if (outcome.ok) {
      await this.sessions.signIn(request, reply, outcome.account.subject, { method: outcome.method }, this.context.command(request, outcome.account.subject, correlationId));
      return sendRedirect(reply, destinationAfterSignIn(returnTo));
    }
    switch (outcome.reason) {
      case 'second_factor_required':
        return again(401, 'This account also needs the code from its authenticator app: enter your password again with the code.', true);
      case 'rate_limited': {
        const seconds = Math.max(1, Math.ceil(outcome.retryAfterSeconds ?? 60));
        return again(429, `Too many sign-in attempts. Wait ${minutesText(seconds)} and try again.`, secondFactor, { 'retry-after': String(seconds) });
      }
      case 'disabled':
        // Only ever answered to correct credentials: it tells nothing to someone guessing.
        return again(403, 'This account is disabled: ask an administrator.');
      default:
        return again(401, SIGN_IN_FAILED);
    }
  }
}

function refuseReturnTo(reply: FastifyReply): void {
  sendRefusal(reply, 400, 'This sign-in link is not valid', 'It does not come from an application signing you in through meshid. Start again from the application.', '/login');
}
