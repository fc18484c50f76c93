import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LoginTrail } from '../../accounts/sign-in/login-trail.js';
import { formBody, readParameters } from '../../authorization/http/request-parameters.js';
import { ClientLookup } from '../../clients/client-lookup.js';
import { Clock } from '../../common/clock.js';
import { sendPage, sendRedirect } from '../../common/http/html/html-page.js';
import { MeshidConfig } from '../../config/meshid-config.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { BrowserSessions } from '../../sessions/browser-sessions.js';
import { afterSignIn, parseReturnTo } from '../../sessions/http/return-to.js';
import { ApprovalReader } from '../approval-reader.js';
import { RedeemApprovalCommand } from '../commands/redeem-approval.command.js';
import { RequestApprovalCommand } from '../commands/request-approval.command.js';
import { ApprovalNotRedeemableError } from '../domain/approval.errors.js';
import { approvalIdOf } from '../domain/approval-id.js';
import { AddressLimiter } from './address-limiter.js';
import { type ApprovalCookie, clearApprovalCookie, readApprovalCookie, setApprovalCookie } from './approval-cookie.js';
import { ApprovalForms } from './approval-forms.js';
import { TailnetApprover } from './tailnet-approver.js';
import { clientIdOf, notRedeemablePage, sendWaitingPage } from './waiting-pages.js';
import { WAITING_SCRIPT } from './waiting-script.js';

/** Each GET /login/approve appends an event: 30 requests per address per 10 minutes is plenty for people. */
const REQUEST_BUDGET = { attempts: 30, windowMs: 10 * 60_000, maxAddresses: 10_000 };

/**
 * The browser outside the tailnet: `GET /login/approve` asks for an approval and shows its code
 * and number; the page polls `/login/approve/status` and posts `/login/approve/complete`, which
 * signs the browser in once the approval is granted. Everything but the start needs the cookie
 * the start set, whose secret only this browser holds.
 */
@Controller()
export class WaitingBrowserController {
  private readonly secure: boolean;
  private readonly requests: AddressLimiter;

  constructor(
    private readonly commands: CommandBus,
    private readonly reader: ApprovalReader,
    private readonly clients: ClientLookup,
    private readonly sessions: BrowserSessions,
    private readonly loginTrail: LoginTrail,
    private readonly forms: ApprovalForms,
    private readonly network: TailnetApprover,
    private readonly hasher: SecretHasher,
    @Inject(MeshidConfig) private readonly config: MeshidConfig,
    private readonly clock: Clock,
  ) {
    this.secure = new URL(config.issuer).protocol === 'https:';
    this.requests = new AddressLimiter(REQUEST_BUDGET, () => this.clock.now());
  }

  @Get('login/approve')
  async start(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const returnTo = parseReturnTo(readParameters(request.query).get('return_to'));
    const clientId = returnTo === null ? null : clientIdOf(returnTo);
    const { client } = clientId === null ? { client: undefined } : await this.clients.find(clientId);
    if (returnTo === null || client === undefined) {
      return sendPage(reply, 400, 'This sign-in link is not valid', ['Start again from the application you were signing in to.']);
    }
    const ip = this.network.address(request);
    const wait = this.requests.retryAfter(ip);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return sendPage(reply, 429, 'Too many sign-in requests', [`Wait ${wait} seconds, then try again.`]);
    }
    this.requests.spend(ip);
    const agent = request.headers['user-agent'];
    const requested = await this.commands.execute(
      new RequestApprovalCommand(
        { clientId: client.clientId, clientName: client.metadata.client_name, userAgent: typeof agent === 'string' ? agent : undefined, ip },
        { actor: 'anonymous', correlationId: String(request.id), ip },
      ),
    );
    const cookie: ApprovalCookie = { code: requested.code, secret: requested.browserSecret };
    setApprovalCookie(reply, cookie, Math.ceil((requested.expiresAt - this.clock.now()) / 1000), this.secure);
    sendWaitingPage(reply, 200, { ...requested, clientName: client.metadata.client_name, returnTo, approveUrl: `${this.config.issuer}/approve`, formToken: this.forms.continuation(requested.approvalId) });
  }

  /** For the waiting page's script: where its own request stands (anything else reads as `unknown`). */
  @Get('login/approve/status')
  async status(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const cookie = readApprovalCookie(request);
    const view = cookie === null ? null : await this.reader.view(approvalIdOf(this.hasher, cookie.code));
    const mine = cookie !== null && view?.state.requested != null && this.hasher.matches(cookie.secret, view.state.requested.browserSecretDigest);
    const status = !mine ? 'unknown' : view.status === 'granted' ? 'approved' : view.status;
    reply.status(200).headers({ 'cache-control': 'no-store', pragma: 'no-cache', 'content-type': 'application/json; charset=utf-8' }).send({ status });
  }

  @Get('login/approve/waiting.js')
  script(@Res() reply: FastifyReply): void {
    reply.status(200).headers({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' }).send(WAITING_SCRIPT);
  }

  /**
   * Continue: still pending shows the waiting page again; granted signs the browser in as the
   * approver (the approval is used up first, so two concurrent posts give one session) and goes
   * back to the authorization request; anything else says why not.
   */
  @Post('login/approve/complete')
  async complete(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const params = readParameters(formBody(request.headers['content-type'], request.body));
    const cookie = readApprovalCookie(request);
    const approvalId = cookie === null ? null : approvalIdOf(this.hasher, cookie.code);
    const returnTo = parseReturnTo(params.get('return_to'));
    const clientId = returnTo === null ? null : clientIdOf(returnTo);
    if (cookie === null || approvalId === null || !this.forms.isContinuation(approvalId, params.get('form_token')) || returnTo === null || clientId === null) {
      return notRedeemablePage(reply, 'other_browser');
    }
    const view = await this.reader.view(approvalId);
    if (view.status === 'pending' && view.state.requested !== null && this.hasher.matches(cookie.secret, view.state.requested.browserSecretDigest)) {
      const { number, expiresAt } = view.state.requested;
      const waiting = { approvalId, code: cookie.code, number, expiresAt, clientName: view.state.requested.clientName, returnTo };
      return sendWaitingPage(reply, 200, { ...waiting, approveUrl: `${this.config.issuer}/approve`, formToken: this.forms.continuation(approvalId), notYet: true });
    }
    const ip = this.network.address(request);
    const context = { actor: 'anonymous', correlationId: String(request.id), ip };
    let redeemed;
    try {
      redeemed = await this.commands.execute(new RedeemApprovalCommand(approvalId, cookie.secret, clientId, context));
    } catch (error) {
      if (!(error instanceof ApprovalNotRedeemableError)) throw error;
      if (error.reason !== 'other_browser') clearApprovalCookie(reply, this.secure);
      return notRedeemablePage(reply, error.reason, view.state.denied?.reason);
    }
    const signedIn = { ...context, actor: redeemed.subject };
    await this.sessions.signIn(request, reply, redeemed.subject, { method: 'approval', identity: redeemed.identity }, signedIn);
    await this.loginTrail.succeeded({ subject: redeemed.subject, method: 'approval', clientId, ip, correlationId: context.correlationId });
    clearApprovalCookie(reply, this.secure);
    sendRedirect(reply, afterSignIn(returnTo));
  }
}
