import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClientLookup } from '../../clients/client-lookup.js';
import { ID_TOKEN_ALGS } from '../../clients/domain/client-metadata.js';
import { button, form, hiddenFields, join, paragraph } from '../../common/http/html/html.js';
import { sendHtmlPage, sendPage, sendRedirect } from '../../common/http/html/html-page.js';
import { MeshidConfig } from '../../config/meshid-config.js';
import type { JwtPayload } from '../../keys/domain/compact-jws.js';
import { KeyRing } from '../../keys/read-model/key-ring.js';
import { BrowserSessions, type CurrentSession } from '../../sessions/browser-sessions.js';
import { isSessionId } from '../../sessions/domain/session-id.js';
import { SessionLogout } from '../../sessions/session-logout.js';
import { CallerContext } from '../../policy/caller-context.js';
import { formBody, type RequestParameters, readParameters, withQuery } from './request-parameters.js';

/** The parameters a confirmation form carries back to /end-session unchanged. */
const FORWARDED = ['id_token_hint', 'client_id', 'post_logout_redirect_uri', 'state'] as const;

/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) at `GET/POST /end-session`.
 *
 * First it checks `id_token_hint` (a signature from a published key, issued here; expired
 * tokens are accepted, as the spec intends), `client_id` (must agree with the hint's audience),
 * and `post_logout_redirect_uri` (exactly one of the client's registered
 * post_logout_redirect_uris); any failure is a page and ends nothing.
 *
 * Then it ends a browser session (its grants are revoked by SessionGrantsReactor, and the answer
 * waits for that): the one the hint's `sid` names; else the one the browser's cookie proves,
 * at once if the hint is of the same person, otherwise only when the person confirms with a
 * POST carrying the CSRF token of that session (a GET from anywhere must not log anyone out).
 * The cookie is cleared whenever a session was ended. Finally it redirects to the
 * post_logout_redirect_uri with `state`, or shows a "signed out" page.
 */
@Controller()
export class EndSessionController {
  constructor(
    private readonly clients: ClientLookup,
    private readonly ring: KeyRing,
    private readonly config: MeshidConfig,
    private readonly sessions: BrowserSessions,
    private readonly logout: SessionLogout,
    private readonly caller: CallerContext,
  ) {}

  @Get('end-session')
  async endSessionGet(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.endSession(request.query, request, reply);
  }

  @Post('end-session')
  async endSessionPost(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.endSession(formBody(request.headers['content-type'], request.body), request, reply);
  }

  private async endSession(source: unknown, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const params = readParameters(source);
    const refuse = (message: string) =>
      sendPage(reply, 400, 'Sign-out request refused', [message, 'Nothing was sent back to the application.']);
    if (params.repeated.size > 0) return refuse(`Parameters given more than once: ${[...params.repeated].sort().join(', ')}.`);

    let clientId = params.get('client_id');
    const hint = params.get('id_token_hint');
    let hinted: JwtPayload | null = null;
    if (hint !== undefined) {
      const payload = (hinted = this.verifyHint(hint));
      if (payload === null) return refuse('The id_token_hint is not an ID token issued by this server.');
      const { aud } = payload;
      const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((item): item is string => typeof item === 'string') : [];
      if (clientId !== undefined && !audiences.includes(clientId)) return refuse('The client_id does not match the id_token_hint.');
      if (clientId === undefined) {
        if (audiences.length !== 1) return refuse('The id_token_hint does not name a single client.');
        clientId = audiences[0];
      }
    }

    const postLogout = params.get('post_logout_redirect_uri');
    if (postLogout !== undefined) {
      if (clientId === undefined) return refuse('post_logout_redirect_uri needs client_id or id_token_hint.');
      const { client } = await this.clients.find(clientId);
      if (client === undefined) return refuse('The client is not known.');
      if (!client.metadata.post_logout_redirect_uris.includes(postLogout)) {
        return refuse('The post_logout_redirect_uri is not registered for this client.');
      }
    }

    const finish = (ended: boolean) => {
      if (ended) this.sessions.clearCookie(reply);
      if (postLogout !== undefined) return sendRedirect(reply, withQuery(postLogout, { state: params.get('state') }));
      sendPage(reply, 200, 'Signed out', [
        ended
          ? 'You are signed out of meshid, and the applications you signed in to in this session have lost their access. You may close this window.'
          : 'There is no meshid sign-in session to end in this browser. You may close this window.',
      ]);
    };
    const context = (actor: string) => this.caller.command(request, actor);
    const sid = hinted?.['sid'];
    const sub = typeof hinted?.['sub'] === 'string' ? hinted['sub'] : undefined;
    if (isSessionId(sid)) return finish(await this.logout.end(sid, context(sub ?? 'unknown')));
    const session = await this.sessions.current(request);
    if (session === null) return finish(false);
    if (sub === session.subject) return finish(await this.logout.end(session.sessionId, context(sub)));
    const confirmation = params.get('confirm_token');
    if (request.method !== 'POST' || confirmation === undefined) return this.askToConfirm(reply, params, session);
    if (!this.sessions.isFormToken(session.sessionId, confirmation)) return refuse('The sign-out confirmation is not valid for this session.');
    return finish(await this.logout.end(session.sessionId, context(session.subject)));
  }

  /** The confirmation page: a POST back here with the session's CSRF token and the request's own parameters. */
  private askToConfirm(reply: FastifyReply, params: RequestParameters, session: CurrentSession): void {
    const fields: Record<string, string> = { confirm_token: this.sessions.formToken(session.sessionId) };
    for (const name of FORWARDED) {
      const value = params.get(name);
      if (value !== undefined) fields[name] = value;
    }
    const body = join([
      paragraph('An application asks to sign you out of meshid. Signing out ends your sign-in session and the access of every application you signed in to in it.'),
      paragraph('To stay signed in, close this window.'),
      form('sign-out', `${this.config.issuer}/end-session`, [hiddenFields(fields), button({ label: 'Sign out', name: 'logout', value: 'yes' })]),
    ]);
    sendHtmlPage(reply, 'Sign out of meshid?', body);
  }

  /**
   * The hint's claims if a published key signed it, it was issued here and it is an ID token (not
   * an access token); expiry is not checked (RP-Initiated Logout §2: an expired hint is fine).
   */
  private verifyHint(token: string): JwtPayload | null {
    const verified = this.ring.verifyJwt(token, ID_TOKEN_ALGS);
    if (verified === null || verified.header.typ === 'at+jwt') return null;
    return verified.payload.iss === this.config.issuer ? verified.payload : null;
  }
}
