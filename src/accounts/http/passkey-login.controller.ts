import { Controller, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendJson } from '../../common/http/html/html-page.js';
import { parseReturnTo } from '../../sessions/http/return-to.js';
import { BrowserSessions } from '../../sessions/browser-sessions.js';
import { AccountSignIn } from '../sign-in/account-sign-in.js';
import { clientIdOf } from './asking-client.js';
import { jsonBody, stringMember } from './json-body.js';
import { LoginCsrf } from './login-csrf.js';
import { destinationAfterSignIn, minutesText } from './sign-in-flow.js';
import { AccountsEnabledGuard } from './accounts-enabled.guard.js';
import { RequestContext } from './request-context.js';

/** Said of every failed passkey sign-in alike. */
const PASSKEY_FAILED = 'Signing in with that passkey did not work. Try again, or use your password.';

/**
 * The passkey half of the sign-in page, driven by assets/passkey.js: `POST /login/passkey/options`
 * gives the WebAuthn request options (no allowCredentials: the authenticator offers the
 * discoverable credentials it holds for meshid) with a challenge token, and `POST /login/passkey`
 * takes the assertion, which AccountSignIn verifies, rate-limits and records. Both are JSON and
 * both need the page's CSRF token; success answers where the page should go next.
 */
@UseGuards(AccountsEnabledGuard)
@Controller('login/passkey')
export class PasskeyLoginController {
  constructor(
    private readonly signIn: AccountSignIn,
    private readonly sessions: BrowserSessions,
    private readonly csrf: LoginCsrf,
    private readonly context: RequestContext,
  ) {}

  @Post('options')
  async options(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const body = jsonBody(request);
    if (body === null || !this.csrf.verify(request, body['csrf'])) return sendJson(reply, 403, { error: 'This page has expired: reload it and try again.' });
    const { options, challengeToken } = await this.signIn.passkeyOptions();
    sendJson(reply, 200, { options, challengeToken });
  }

  @Post()
  async verify(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const body = jsonBody(request);
    if (body === null || !this.csrf.verify(request, body['csrf'])) return sendJson(reply, 403, { error: 'This page has expired: reload it and try again.' });
    const rawReturnTo = stringMember(body, 'return_to');
    const returnTo = rawReturnTo === undefined ? null : parseReturnTo(rawReturnTo);
    if (rawReturnTo !== undefined && returnTo === null) return sendJson(reply, 400, { error: 'This sign-in link is not valid.' });
    const challengeToken = stringMember(body, 'challengeToken');
    if (challengeToken === undefined || typeof body['response'] !== 'object' || body['response'] === null) {
      return sendJson(reply, 400, { error: PASSKEY_FAILED });
    }

    const correlationId = String(request.id);
    const outcome = await this.signIn.passkey(body['response'], challengeToken, this.context.attempt(request, correlationId, clientIdOf(returnTo)));
    if (outcome.ok) {
      await this.sessions.signIn(request, reply, outcome.account.subject, { method: outcome.method }, this.context.command(request, outcome.account.subject, correlationId));
      return sendJson(reply, 200, { location: destinationAfterSignIn(returnTo) });
    }
    if (outcome.reason === 'rate_limited') {
      const seconds = Math.max(1, Math.ceil(outcome.retryAfterSeconds ?? 60));
      return sendJson(reply, 429, { error: `Too many sign-in attempts. Wait ${minutesText(seconds)} and try again.` }, { 'retry-after': String(seconds) });
    }
    sendJson(reply, 401, { error: PASSKEY_FAILED });
  }
}
