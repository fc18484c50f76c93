import { randomUUID } from 'node:crypto';
import { Controller, Get, Logger, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClientDirectory } from '../../clients/read-model/client-directory.js';
import { Clock } from '../../common/clock.js';
import { MeshidConfig } from '../../config/meshid-config.js';
import { IdentityService } from '../../policy/identity.service.js';
import { IssueAuthorizationCodeCommand } from '../commands/issue-authorization-code.command.js';
import { type AuthorizeErrorCode, validateAuthorizeRequest } from './authorize-request.js';
import { sendPage, sendRedirect } from './html-page.js';
import { formBody, readParameters, withQuery } from './request-parameters.js';

/**
 * `GET /authorize` and `POST /authorize` (OIDC Core §3.1.2, authorization code flow only).
 * GET reads the query, POST the form body. Errors before the client and its redirect URI are
 * trusted are HTML pages; every later error is redirected with `error`, `error_description`,
 * `state` and `iss` (RFC 9207). Success issues a code (one event) and redirects with it.
 */
@Controller()
export class AuthorizeController {
  private readonly logger = new Logger('Authorize');

  constructor(
    private readonly clients: ClientDirectory,
    private readonly identities: IdentityService,
    private readonly commandBus: CommandBus,
    private readonly config: MeshidConfig,
    private readonly clock: Clock,
  ) {}

  @Get('authorize')
  async authorizeGet(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.authorize(request.query, request, reply);
  }

  @Post('authorize')
  async authorizePost(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.authorize(formBody(request.headers['content-type'], request.body), request, reply);
  }

  private async authorize(source: unknown, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const validation = validateAuthorizeRequest(readParameters(source), (id) => this.clients.find(id));
    if (validation.kind === 'page') {
      sendPage(reply, validation.status, 'This sign-in request cannot be completed', [
        `${validation.error}: ${validation.description}.`,
        'The application that sent you here is misconfigured; nothing was sent back to it.',
      ]);
      return;
    }
    const redirectError = (redirectUri: string, error: AuthorizeErrorCode, description: string, state: string | undefined) =>
      sendRedirect(reply, withQuery(redirectUri, { error, error_description: description, state, iss: this.config.issuer }));
    if (validation.kind === 'redirect') {
      redirectError(validation.redirectUri, validation.error, validation.description, validation.state);
      return;
    }

    const valid = validation.request;
    const identity = await this.identities.identify(request);
    if (identity === null) {
      if (valid.prompt.has('none')) {
        redirectError(valid.redirectUri, 'login_required', 'no identity could be established for this request', valid.state);
        return;
      }
      sendPage(reply, 401, 'Not signed in', [
        'None of the configured identity resolvers recognised you, so meshid cannot sign you in.',
        'On a tailnet, reach meshid through Tailscale. To try meshid on this machine, set MESHID_DEV_IDENTITY (it works on loopback only).',
      ]);
      return;
    }

    // Every identity source so far authenticates on each request (no interactive sign-in, no
    // session): the person is freshly authenticated, which satisfies prompt=login and any
    // max_age. Consent and account-selection screens come with local accounts.
    const authTime = Math.floor(this.clock.now() / 1000);
    const correlationId = randomUUID();
    try {
      const issued = await this.commandBus.execute(
        new IssueAuthorizationCodeCommand(
          {
            clientId: valid.client.clientId,
            redirectUri: valid.redirectUri,
            scope: valid.scope,
            subject: identity.subject,
            claims: structuredClone(identity.claims),
            authTime,
            ...(valid.nonce !== undefined ? { nonce: valid.nonce } : {}),
            ...(valid.codeChallenge !== undefined ? { codeChallenge: valid.codeChallenge, codeChallengeMethod: valid.codeChallengeMethod! } : {}),
          },
          { actor: identity.subject, correlationId, ...(request.socket.remoteAddress ? { ip: request.socket.remoteAddress } : {}) },
        ),
      );
      sendRedirect(reply, withQuery(valid.redirectUri, { code: issued.code, state: valid.state, iss: this.config.issuer }));
    } catch (error) {
      this.logger.error(`could not issue an authorization code (correlation ${correlationId}): ${(error as Error).message}`);
      redirectError(valid.redirectUri, 'server_error', 'the authorization code could not be issued', valid.state);
    }
  }
}
