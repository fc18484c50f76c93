import { Controller, Get, Header, HttpCode, Inject, Options, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { jwksMaxAgeSeconds, type RotationPolicy } from '../domain/rotation-policy.js';
import { ROTATION_POLICY } from '../keys.tokens.js';
import { type Jwks, KeyRing } from '../read-model/key-ring.js';

/**
 * `GET /.well-known/jwks.json`, readable from any origin (browser-side relying parties verify
 * tokens too). Cached for a quarter of the pre-publication delay at most, so a new key is in
 * every cache before it signs. Served from memory: no read, no event.
 */
@Controller('.well-known')
export class JwksController {
  private readonly cacheControl: string;

  constructor(
    private readonly ring: KeyRing,
    @Inject(ROTATION_POLICY) policy: RotationPolicy,
  ) {
    this.cacheControl = `public, max-age=${jwksMaxAgeSeconds(policy)}`;
  }

  @Get('jwks.json')
  @Header('Access-Control-Allow-Origin', '*')
  @Header('Content-Type', 'application/json')
  jwks(@Res({ passthrough: true }) reply: FastifyReply): Jwks {
    reply.header('Cache-Control', this.cacheControl);
    return this.ring.jwks();
  }

  /** CORS preflight. */
  @Options('jwks.json')
  @HttpCode(204)
  @Header('Access-Control-Allow-Origin', '*')
  @Header('Access-Control-Allow-Methods', 'GET, OPTIONS')
  @Header('Access-Control-Allow-Headers', '*')
  @Header('Access-Control-Max-Age', '86400')
  preflight(): void {}
}
