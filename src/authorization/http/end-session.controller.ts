import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createLocalJWKSet, errors as joseErrors, type JWTPayload, jwtVerify } from 'jose';
import { ClientDirectory } from '../../clients/read-model/client-directory.js';
import { ID_TOKEN_ALGS } from '../../clients/domain/client-metadata.js';
import { MeshidConfig } from '../../config/meshid-config.js';
import { KeyRing } from '../../keys/read-model/key-ring.js';
import { sendPage, sendRedirect } from './html-page.js';
import { formBody, readParameters, withQuery } from './request-parameters.js';

/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) at `GET/POST /end-session`.
 *
 * There are no sessions yet: every identity source authenticates each request anew (the dev
 * identity has no session at all), so there is nothing to end and no grant is revoked here.
 * When local accounts bring a session cookie, this endpoint clears it, asks for confirmation
 * when no valid id_token_hint is given, and revokes the session's grants.
 *
 * What it does now: checks `id_token_hint` (a signature from a published key, issued here;
 * expired tokens are accepted, as the spec intends), `client_id` (must agree with the hint's
 * audience), and `post_logout_redirect_uri` (exactly one of the client's registered
 * post_logout_redirect_uris); then redirects there with `state`, or shows a "signed out" page.
 */
@Controller()
export class EndSessionController {
  constructor(
    private readonly clients: ClientDirectory,
    private readonly ring: KeyRing,
    private readonly config: MeshidConfig,
  ) {}

  @Get('end-session')
  async endSessionGet(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.endSession(request.query, reply);
  }

  @Post('end-session')
  async endSessionPost(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.endSession(formBody(request.headers['content-type'], request.body), reply);
  }

  private async endSession(source: unknown, reply: FastifyReply): Promise<void> {
    const params = readParameters(source);
    const refuse = (message: string) =>
      sendPage(reply, 400, 'Sign-out request refused', [message, 'Nothing was sent back to the application.']);
    if (params.repeated.size > 0) return refuse(`Parameters given more than once: ${[...params.repeated].sort().join(', ')}.`);

    let clientId = params.get('client_id');
    const hint = params.get('id_token_hint');
    if (hint !== undefined) {
      const payload = await this.verifyHint(hint);
      if (payload === null) return refuse('The id_token_hint is not an ID token issued by this server.');
      const audiences = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
      if (clientId !== undefined && !audiences.includes(clientId)) return refuse('The client_id does not match the id_token_hint.');
      if (clientId === undefined) {
        if (audiences.length !== 1) return refuse('The id_token_hint does not name a single client.');
        clientId = audiences[0];
      }
    }

    const postLogout = params.get('post_logout_redirect_uri');
    if (postLogout !== undefined) {
      if (clientId === undefined) return refuse('post_logout_redirect_uri needs client_id or id_token_hint.');
      const client = this.clients.find(clientId);
      if (client === undefined) return refuse('The client is not known.');
      if (!client.metadata.post_logout_redirect_uris.includes(postLogout)) {
        return refuse('The post_logout_redirect_uri is not registered for this client.');
      }
      return sendRedirect(reply, withQuery(postLogout, { state: params.get('state') }));
    }
    sendPage(reply, 200, 'Signed out', ['meshid keeps no sign-in session, so there is nothing more to sign out of. You may close this window.']);
  }

  /** The hint's claims if its signature is from a published key and it was issued here; expiry is not checked. */
  private async verifyHint(token: string): Promise<JWTPayload | null> {
    const keys = createLocalJWKSet(this.ring.jwks() as unknown as Parameters<typeof createLocalJWKSet>[0]);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, { algorithms: [...ID_TOKEN_ALGS] }));
    } catch (error) {
      // Thrown only after the signature checked out: the claims are authentic, just expired.
      if (error instanceof joseErrors.JWTExpired) payload = error.payload;
      else return null;
    }
    return payload.iss === this.config.issuer ? payload : null;
  }
}
