import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OAuthError } from '../common/http/oauth-error.js';
import { MeshidConfig } from '../config/meshid-config.js';
import { WebfingerDirectory } from './webfinger-directory.js';
import { readWebfingerResource } from './webfinger-resource.js';

/** The link relation of an OpenID provider (OIDC Discovery 1.0 §2). */
export const OPENID_ISSUER_REL = 'http://openid.net/specs/connect/1.0/issuer';

/**
 * `GET /.well-known/webfinger?resource=acct:user@domain[&rel=…]` (RFC 7033), what Tailscale's
 * custom-OIDC sign-up asks the admin's mail domain (relying-parties.md §1.2): which issuer signs
 * this person in. The answer is the smallest JRD there is, the subject and one issuer link whose
 * `href` is byte for byte the discovery document's `issuer`, because the requester compares them
 * and Tailscale refused richer JRDs; it says nothing else about the person. 400 when `resource`
 * is missing, repeated or not a URI; 404 for an address meshid does not sign in (WebfingerDirectory).
 * Public: CORS `*` (installPublicCors; RFC 7033 §5, for browser-based lookup tools), and over Funnel.
 */
@Controller('.well-known')
export class WebfingerController {
  constructor(
    @Inject(MeshidConfig) private readonly config: MeshidConfig,
    private readonly directory: WebfingerDirectory,
  ) {}

  @Get('webfinger')
  async webfinger(@Query() query: Record<string, unknown>, @Res() reply: FastifyReply): Promise<void> {
    const resource = query['resource'];
    if (Array.isArray(resource)) throw new OAuthError('invalid_request', 'resource is given more than once');
    if (typeof resource !== 'string' || resource === '') throw new OAuthError('invalid_request', 'resource is required, e.g. resource=acct:alice@example.com');
    const reading = readWebfingerResource(resource);
    if (reading.kind === 'malformed') throw new OAuthError('invalid_request', reading.reason);
    if (reading.kind === 'other' || !(await this.directory.knows(reading.account))) {
      throw new OAuthError('not_found', 'no such account', 404);
    }
    // RFC 7033 §4.3: with `rel` given (any number of times), only the links of those relations.
    const rels = [query['rel']].flat().filter((rel): rel is string => typeof rel === 'string');
    const links = [{ rel: OPENID_ISSUER_REL, href: this.config.issuer }].filter((link) => rels.length === 0 || rels.includes(link.rel));
    // A Buffer, so that Fastify adds no charset: the media type has no such parameter (RFC 7033 §10.2).
    reply
      .status(200)
      .headers({ 'content-type': 'application/jrd+json', 'cache-control': 'public, max-age=300' })
      .send(Buffer.from(JSON.stringify({ subject: reading.account.resource, links })));
  }
}
