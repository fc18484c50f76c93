import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { jwksMaxAgeSeconds, type RotationPolicy } from '../domain/rotation-policy.js';
import { ROTATION_POLICY } from '../keys.tokens.js';
import { type Jwks, KeyRing } from '../read-model/key-ring.js';

/**
 * `GET /.well-known/jwks.json`, readable from any origin (browser-side relying parties verify
 * tokens too; CORS: `installPublicCors`). Cached for a quarter of the pre-publication delay at most, so a new key is in
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
  @Header('Content-Type', 'application/json')
  jwks(@Res({ passthrough: true }) reply: FastifyReply): Jwks {
    reply.header('Cache-Control', this.cacheControl);
    return this.ring.jwks();
  }
}
