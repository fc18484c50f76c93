import { Controller, Get, Header, HttpCode, Options, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { MeshidConfig } from '../config/meshid-config.js';
import { openIdConfiguration } from './openid-configuration.js';

const CACHE_CONTROL = 'public, max-age=300';

/**
 * `/.well-known/openid-configuration` and `/.well-known/oauth-authorization-server` (the same
 * document), readable from any origin. Built once: the issuer is fixed for the process.
 */
@Controller('.well-known')
export class DiscoveryController {
  private readonly document: string;

  constructor(config: MeshidConfig) {
    this.document = JSON.stringify(openIdConfiguration(config.issuer), null, 2);
  }

  @Get('openid-configuration')
  openid(@Res() reply: FastifyReply): void {
    this.send(reply);
  }

  @Get('oauth-authorization-server')
  oauth(@Res() reply: FastifyReply): void {
    this.send(reply);
  }

  @Options('openid-configuration')
  @HttpCode(204)
  @Header('Access-Control-Allow-Origin', '*')
  @Header('Access-Control-Allow-Methods', 'GET, OPTIONS')
  @Header('Access-Control-Allow-Headers', '*')
  @Header('Access-Control-Max-Age', '86400')
  openidPreflight(): void {}

  @Options('oauth-authorization-server')
  @HttpCode(204)
  @Header('Access-Control-Allow-Origin', '*')
  @Header('Access-Control-Allow-Methods', 'GET, OPTIONS')
  @Header('Access-Control-Allow-Headers', '*')
  @Header('Access-Control-Max-Age', '86400')
  oauthPreflight(): void {}

  private send(reply: FastifyReply): void {
    reply
      .status(200)
      .headers({ 'access-control-allow-origin': '*', 'cache-control': CACHE_CONTROL, 'content-type': 'application/json; charset=utf-8' })
      .send(this.document);
  }
}
