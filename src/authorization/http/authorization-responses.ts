import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { Clock } from '../../common/clock.js';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import { MeshidConfig } from '../../config/meshid-config.js';
import type { Identity } from '../../policy/identity.js';
import { recordedIdentityOf, snapshotOf } from '../../policy/identity-snapshot.js';
import { PolicyService } from '../../policy/policy.service.js';
import type { IdentityUnavailableError } from '../../policy/identity-resolver.js';
import { IssueAuthorizationCodeCommand } from '../commands/issue-authorization-code.command.js';
import type { AuthorizeErrorCode } from './authorize-request.js';
import { sendPage, sendRedirect } from '../../common/http/html/html-page.js';
import { authorizationFailureCode } from '../../common/http/oauth-error.js';
import { withQuery } from './request-parameters.js';

/** What a code is issued for: the validated request, as /authorize or the consent form holds it. */
export interface CodeRequest {
  clientId: string;
  redirectUri: string;
  scope: string[];
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  /** Requested RFC 8707 resources, before policy. */
  resources?: string[];
}

/**
 * The answers /authorize and its consent form share: the code redirect, the error redirect
 * (RFC 6749 §4.1.2.1, with `iss` per RFC 9207), and the page for a person nobody recognised.
 */
@Injectable()
export class AuthorizationResponses {
  private readonly logger = new Logger('Authorize');

  constructor(
    private readonly commandBus: CommandBus,
    private readonly clock: Clock,
    private readonly policy: PolicyService,
    @Inject(MeshidConfig) private readonly config: MeshidConfig,
  ) {}

  redirectError(reply: FastifyReply, redirectUri: string, error: AuthorizeErrorCode, description: string, state: string | undefined): void {
    sendRedirect(reply, withQuery(redirectUri, { error, error_description: description, state, iss: this.config.issuer }));
  }

  notSignedIn(reply: FastifyReply): void {
    sendPage(reply, 401, 'Not signed in', [
      'None of the configured identity resolvers recognised you, so meshid cannot sign you in.',
      'On a tailnet, reach meshid through Tailscale. To try meshid on this machine, set MESHID_DEV_IDENTITY (it works on loopback only).',
    ]);
  }

  /**
   * An identity source could not answer (tailscaled's socket refused or timed out): a 503 page
   * and a log line, never a hang and never a sign-in as someone else. The reason names the
   * socket, which is the operator's business, so the page stays general.
   */
  identityUnavailable(reply: FastifyReply, error: IdentityUnavailableError): void {
    this.logger.error(`cannot tell who is signing in: ${error.message}`);
    reply.header('retry-after', '5');
    sendPage(reply, 503, 'Sign-in is unavailable right now', [
      'meshid could not ask the tailnet who you are. Nothing was sent to the application.',
      'Try again in a moment; if it persists, tell whoever runs this identity provider (the details are in its log).',
    ]);
  }

  /**
   * Issues the code (one event) and redirects with it. Every identity source authenticates the
   * request itself, so `auth_time` is now: the person was authenticated by this very request.
   * Requested resources are kept as far as the person's policy (`users` / `resources` rules)
   * allows them, as tsidp does; when it allows none, the request fails with `invalid_target`.
   */
  async issueCode(reply: FastifyReply, code: CodeRequest, identity: Identity, sessionId: string, context: CommandContext): Promise<void> {
    const requested = code.resources ?? [];
    const resources = this.policy.allowedAudiences(recordedIdentityOf(identity), requested);
    if (requested.length > 0 && resources.length === 0) {
      this.redirectError(reply, code.redirectUri, 'invalid_target', 'you may not access the requested resource', code.state);
      return;
    }
    try {
      const issued = await this.commandBus.execute(
        new IssueAuthorizationCodeCommand(
          {
            clientId: code.clientId,
            redirectUri: code.redirectUri,
            scope: code.scope,
            subject: identity.subject,
            claims: structuredClone(identity.claims),
            identity: snapshotOf(identity),
            // A sign-in session's authentication, or this request when the network vouches for it.
            authTime: Math.floor((identity.authTime ?? this.clock.now()) / 1000),
            sessionId,
            resources,
            ...(code.nonce !== undefined ? { nonce: code.nonce } : {}),
            ...(code.codeChallenge !== undefined ? { codeChallenge: code.codeChallenge, codeChallengeMethod: 'S256' as const } : {}),
          },
          context,
        ),
      );
      sendRedirect(reply, withQuery(code.redirectUri, { code: issued.code, state: code.state, iss: this.config.issuer }));
    } catch (error) {
      const failure = authorizationFailureCode(error);
      if (failure === 'server_error') this.logger.error(`could not issue an authorization code (correlation ${context.correlationId}): ${(error as Error).message}`);
      this.redirectError(reply, code.redirectUri, failure, 'the authorization code could not be issued', code.state);
    }
  }
}
