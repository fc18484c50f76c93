import { Controller, Get, Inject, Logger, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClientLookup } from '../../clients/client-lookup.js';
import { MeshidConfig } from '../../config/meshid-config.js';
import { IdentityUnavailableError } from '../../policy/identity-resolver.js';
import { IdentityService } from '../../policy/identity.service.js';
import { BrowserSessions } from '../../sessions/browser-sessions.js';
import { AuthorizationResponses } from './authorization-responses.js';
import { validateAuthorizeRequest } from './authorize-request.js';
import { sendConsentPage } from './consent-page.js';
import { ConsentTokens } from './consent-token.js';
import { sendPage, sendRedirect } from '../../common/http/html/html-page.js';
import { authorizationFailureCode } from '../../common/http/oauth-error.js';
import { queryOf, sendAccountChoice } from './account-choice.js';
import { ConsentRecords } from '../consent-records.js';
import { Clock } from '../../common/clock.js';
import { signInPath } from '../../sessions/http/return-to.js';
import { LoginMetrics } from '../../metrics/login-metrics.js';
import { CallerContext } from '../../policy/caller-context.js';
import { formBody, readParameters } from './request-parameters.js';

/** Where the consent page posts its answer (ConsentController). */
export const CONSENT_PATH = '/authorize/consent';

/**
 * `GET /authorize` and `POST /authorize` (OIDC Core §3.1.2, authorization code flow only).
 * GET reads the query, POST the form body. Errors before the client and its redirect URI are
 * trusted are HTML pages; every later error is redirected with `error`, `error_description`,
 * `state` and `iss` (RFC 9207). Success joins (or starts) the browser session, then issues a
 * code (one event) and redirects with it, or with prompt=consent shows the consent page first.
 */
@Controller()
export class AuthorizeController {
  private readonly logger = new Logger('Authorize');

  constructor(
    private readonly clients: ClientLookup,
    private readonly identities: IdentityService,
    private readonly sessions: BrowserSessions,
    private readonly consents: ConsentTokens,
    private readonly responses: AuthorizationResponses,
    private readonly consentRecords: ConsentRecords,
    private readonly clock: Clock,
    private readonly caller: CallerContext,
    private readonly logins: LoginMetrics,
    @Inject(MeshidConfig) private readonly config: MeshidConfig,
  ) {}

  /** Whether people may sign in on meshid's own pages (the `account` resolver is configured). */
  private get signInPages(): boolean {
    return this.config.identity.includes('account');
  }

  @Get('authorize')
  async authorizeGet(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.authorize(request.query, request, reply);
  }

  @Post('authorize')
  async authorizePost(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.authorize(formBody(request.headers['content-type'], request.body), request, reply);
  }

  private async authorize(source: unknown, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const params = readParameters(source);
    const clientId = params.get('client_id');
    const found = clientId === undefined ? undefined : await this.clients.find(clientId);
    const validation = validateAuthorizeRequest(params, () => found?.client);
    if (validation.kind === 'page') {
      // For a client id that is a metadata-document URL, say what is wrong with the document.
      const problem = found !== undefined && found.client === undefined ? found.documentProblem : undefined;
      const why = validation.error === 'invalid_client' && problem !== undefined ? problem : validation.description;
      sendPage(reply, validation.status, 'This sign-in request cannot be completed', [
        `${validation.error}: ${why}.`,
        'The application that sent you here is misconfigured; nothing was sent back to it.',
      ]);
      return;
    }
    if (validation.kind === 'redirect') {
      this.responses.redirectError(reply, validation.redirectUri, validation.error, validation.description, validation.state);
      return;
    }

    const valid = validation.request;
    let identity;
    try {
      identity = await this.identities.identify(request);
    } catch (error) {
      if (!(error instanceof IdentityUnavailableError)) throw error;
      this.logins.record('network', 'unavailable');
      if (!valid.prompt.has('none')) return this.responses.identityUnavailable(reply, error);
      this.responses.redirectError(reply, valid.redirectUri, 'temporarily_unavailable', 'the identity of the caller cannot be established right now', valid.state);
      return;
    }
    // A person signed in by a session (local account, approval) must authenticate again for
    // prompt=login or when the sign-in is older than max_age; the network's identities are
    // authenticated by this very request.
    const now = this.clock.now();
    const stale = identity?.authTime !== undefined && (valid.prompt.has('login') || (valid.maxAge !== undefined && now - identity.authTime > valid.maxAge * 1000));
    if (identity === null || stale) {
      if (valid.prompt.has('none')) {
        this.responses.redirectError(reply, valid.redirectUri, 'login_required', 'no identity could be established for this request', valid.state);
        return;
      }
      if (this.signInPages) return sendRedirect(reply, this.config.issuer + signInPath(queryOf(source)));
      this.responses.notSignedIn(reply);
      return;
    }
    // select_account: a browser may be signed in to a local account while the person wants
    // another; a network identity has nothing to choose (a connection is one person).
    if (valid.prompt.has('select_account') && this.signInPages) {
      sendAccountChoice(reply, identity.login, valid.client.metadata.client_name, queryOf(source));
      return;
    }
    // A metadata-document client is asked about unless the person already allowed it these
    // scopes: anyone on the internet can publish one, so without the person's yes any web page
    // could sign them in to itself. prompt=consent always asks.
    const selfDescribed = this.clients.isMetadataDocumentClient(valid.client);
    const askConsent = valid.prompt.has('consent') || (selfDescribed && !(await this.consentRecords.covers(identity.subject, valid.client.clientId, valid.scope)));
    if (askConsent && valid.prompt.has('none')) {
      this.responses.redirectError(reply, valid.redirectUri, 'consent_required', 'this application needs your consent, which prompt=none cannot ask for', valid.state);
      return;
    }

    // A network identity is authenticated by this request, which satisfies prompt=login and any
    // max_age; prompt=login then only insists on a new session rather than the cookie's. A
    // session's own sign-in keeps its session.
    const context = this.caller.command(request, identity.subject);
    let sessionId: string;
    try {
      sessionId =
        identity.authTime !== undefined
          ? await this.sessionOf(request, identity.subject)
          : await this.sessions.establish(request, reply, identity.subject, valid.prompt.has('login'), context);
      if (identity.authTime === undefined) this.logins.record(identity.source, 'succeeded');
    } catch (error) {
      const failure = authorizationFailureCode(error);
      if (failure === 'server_error') this.logger.error(`could not establish a session (correlation ${context.correlationId}): ${(error as Error).message}`);
      this.responses.redirectError(reply, valid.redirectUri, failure, 'the sign-in session could not be recorded', valid.state);
      return;
    }

    // Ask before answering (prompt=none was answered above: it never shows a page).
    if (askConsent) {
      const token = this.consents.issue(valid, sessionId);
      const question = { ...valid, selfDescribed };
      sendConsentPage(reply, this.config.issuer + CONSENT_PATH, question, identity.login, token);
      return;
    }
    await this.responses.issueCode(reply, { ...valid, clientId: valid.client.clientId }, identity, sessionId, context);
  }

  /** The sign-in session an identity of the `account` resolver came from; it was live a moment ago. */
  private async sessionOf(request: FastifyRequest, subject: string): Promise<string> {
    const session = await this.sessions.current(request);
    if (session === null || session.subject !== subject) throw new Error('the sign-in session ended while the request was answered');
    return session.sessionId;
  }
}
