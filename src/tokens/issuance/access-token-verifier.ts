import { Inject, Injectable } from '@nestjs/common';
import { createLocalJWKSet, type JWTPayload, jwtVerify } from 'jose';
import { Clock } from '../../common/clock.js';
import { MeshidConfig } from '../../config/meshid-config.js';
import { SIGNING_ALGS } from '../../keys/domain/signing-keys.events.js';
import { KeyRing } from '../../keys/read-model/key-ring.js';

/** The claims of a valid meshid access token. */
export interface AccessTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  client_id: string;
  scope: string;
  jti: string;
  iat: number;
  exp: number;
  gid: string;
}

/**
 * Checks a meshid access token: signature against the published keys (JWKS, so a token signed
 * just before a rotation stays valid until it expires), `typ: at+jwt`, issuer and expiry. It does
 * not check revocation: that is the caller's business (see RevokedGrants).
 */
@Injectable()
export class AccessTokenVerifier {
  private cached: { fingerprint: string; keySet: ReturnType<typeof createLocalJWKSet> } | null = null;

  constructor(
    private readonly ring: KeyRing,
    private readonly clock: Clock,
    @Inject(MeshidConfig) private readonly config: MeshidConfig,
  ) {}

  /** The claims, or null for anything that is not a valid, unexpired meshid access token. */
  async verify(token: string): Promise<AccessTokenClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.keySet(), {
        issuer: this.config.issuer,
        typ: 'at+jwt',
        algorithms: [...SIGNING_ALGS],
        currentDate: new Date(this.clock.now()),
        requiredClaims: ['sub', 'exp', 'iat', 'jti', 'client_id', 'gid'],
      });
      if (typeof payload.gid !== 'string' || typeof payload.client_id !== 'string') return null;
      return { ...payload, scope: typeof payload.scope === 'string' ? payload.scope : '' } as AccessTokenClaims;
    } catch {
      return null;
    }
  }

  /** One key set per published set of kids: jose caches the imported keys inside it. */
  private keySet() {
    const jwks = this.ring.jwks();
    const fingerprint = jwks.keys.map((key) => key.kid).join(',');
    if (this.cached?.fingerprint !== fingerprint) this.cached = { fingerprint, keySet: createLocalJWKSet(jwks as never) };
    return this.cached.keySet;
  }
}
