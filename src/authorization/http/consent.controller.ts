import { Controller, Logger, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { GiveConsentCommand } from '../commands/give-consent.command.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { allowedScopes } from '../../clients/domain/client-metadata.js';
import { ClientLookup } from '../../clients/client-lookup.js';
import { IdentityUnavailableError } from '../../policy/identity-resolver.js';
import { IdentityService } from '../../policy/identity.service.js';
import { BrowserSessions } from '../../sessions/browser-sessions.js';
import { isRegisteredRedirectUri } from '../domain/redirect-uri-match.js';
import { AuthorizationResponses } from './authorization-responses.js';
import { ConsentTokens } from './consent-token.js';
import { sendPage } from '../../common/http/html/html-page.js';
import { CallerContext } from '../../policy/caller-context.js';
import { formBody, readParameters } from './request-parameters.js';

/**
 * `POST /authorize/consent`: the answer to the consent page. Allow records ConsentGiven (so that
 * a client that needs consent is not asked about again for the same scopes) and issues the code
 * as /authorize would have; Deny redirects with `access_denied`. Until the token is proved genuine, unexpired
 * and issued to this browser's live session of this person, nothing is trusted, so every refusal
 * before that is a page, never a redirect, and nothing is written.
 */
@Controller()
export class ConsentController {
  constructor(
    private readonly clients: ClientLookup,
    private readonly identities: IdentityService,
    private readonly sessions: BrowserSessions,
    private readonly consents: ConsentTokens,
    private readonly responses: AuthorizationResponses,
    private readonly commands: CommandBus,
    private readonly caller: CallerContext,
  ) {}

  private readonly logger = new Logger('Consent');

  @Post('authorize/consent')
  async consent(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const params = readParameters(formBody(request.headers['content-type'], request.body));
    const refuse = (message: string) =>
      sendPage(reply, 400, 'This consent answer cannot be accepted', [message, 'Nothing was sent back to the application; start the sign-in again from it.']);
    if (params.repeated.size > 0) return refuse(`Parameters given more than once: ${[...params.repeated].sort().join(', ')}.`);
    const token = params.get('consent_token');
    if (token === undefined) return refuse('The consent form has no consent_token.');
    const decision = params.get('decision');
    if (decision !== 'allow' && decision !== 'deny') return refuse('The decision must be allow or deny.');
    const opened = this.consents.open(token);
    if (!opened.ok) return refuse(opened.reason === 'expired' ? 'This consent form has expired.' : 'This consent form is not valid.');
    const consent = opened.request;

    let identity;
    try {
      identity = await this.identities.identify(request);
    } catch (error) {
      if (!(error instanceof IdentityUnavailableError)) throw error;
      return this.responses.identityUnavailable(reply, error);
    }
    if (identity === null) return this.responses.notSignedIn(reply);
    const session = await this.sessions.current(request);
    if (session === null || session.sessionId !== consent.sessionId || session.subject !== identity.subject) {
      return refuse('This consent form was shown to another sign-in session.');
    }
    // The client may have changed in the minutes the page was open: it must still hold the redirect URI.
    const { client } = await this.clients.find(consent.clientId);
    if (client === undefined || !isRegisteredRedirectUri(client.metadata.redirect_uris, consent.redirectUri)) {
      return refuse('The application is no longer registered for this sign-in.');
    }

    if (decision === 'deny') {
      return this.responses.redirectError(reply, consent.redirectUri, 'access_denied', 'the person declined the request', consent.state);
    }
    const allowed = new Set(allowedScopes(client.metadata));
    const scope = consent.scope.filter((s) => allowed.has(s));
    const context = this.caller.command(request, identity.subject);
    try {
      await this.commands.execute(new GiveConsentCommand(identity.subject, client.clientId, scope, context));
    } catch (error) {
      // Remembering is a convenience: the person answered, so the sign-in goes on, and is asked again next time.
      this.logger.error(`could not record the consent (correlation ${context.correlationId}): ${(error as Error).message}`);
    }
    await this.responses.issueCode(reply, { ...consent, scope }, identity, session.sessionId, context);
  }
}
