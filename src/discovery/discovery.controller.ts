import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from '../common/http/oauth-error.js';
import { MeshidConfig } from '../config/meshid-config.js';
import { TrustedProxies } from '../policy/trusted-proxies.js';
import { openIdConfiguration } from './openid-configuration.js';

const CACHE_CONTROL = 'public, max-age=300';

/**
 * The authorization server's metadata, one document at every address a client may look for it:
 * `/.well-known/openid-configuration` (OIDC Discovery) and `/.well-known/oauth-authorization-server`
 * (RFC 8414), and for an issuer with a path `/p` also their path-inserted forms
 * `/.well-known/…/p` (RFC 8414 §3.1, which MCP clients try first). The forms under the issuer's
 * own path (`/p/.well-known/…`) arrive as the root ones through the proxy that strips `/p`.
 * Built once: the issuer is fixed for the process. Over Funnel the document leaves out what Funnel
 * refuses (registration). CORS: `installPublicCors`.
 */
@Controller('.well-known')
export class DiscoveryController {
  private readonly document: string;
  private readonly funnelDocument: string;
  /** The issuer's path without its leading slash ('' for an issuer at the root). */
  private readonly issuerPath: string;

  constructor(
    config: MeshidConfig,
    private readonly proxies: TrustedProxies,
  ) {
    this.document = JSON.stringify(openIdConfiguration(config, { viaFunnel: false }), null, 2);
    this.funnelDocument = JSON.stringify(openIdConfiguration(config, { viaFunnel: true }), null, 2);
    this.issuerPath = new URL(config.issuer).pathname.replace(/^\/+/, '');
  }

  @Get('openid-configuration')
  openid(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.send(request, reply);
  }

  @Get('oauth-authorization-server')
  oauth(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.send(request, reply);
  }

  @Get('openid-configuration/*')
  openidWithPath(@Param('*') path: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.sendForPath(path, request, reply);
  }

  @Get('oauth-authorization-server/*')
  oauthWithPath(@Param('*') path: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.sendForPath(path, request, reply);
  }

  /** Only the issuer's own path names this server; any other is another issuer's metadata. */
  private sendForPath(path: string, request: FastifyRequest, reply: FastifyReply): void {
    if (this.issuerPath === '' || path !== this.issuerPath) {
      throw new OAuthError('not_found', 'no authorization server metadata for that issuer path', 404);
    }
    this.send(request, reply);
  }

  private send(request: FastifyRequest, reply: FastifyReply): void {
    reply
      .status(200)
      .headers({ 'cache-control': CACHE_CONTROL, 'content-type': 'application/json; charset=utf-8', vary: 'Tailscale-Funnel-Request' })
      .send(this.proxies.viaFunnel(request.raw) ? this.funnelDocument : this.document);
  }
}
