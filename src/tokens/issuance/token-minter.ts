import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { Clock } from '../../common/clock.js';
import { MeshidConfig } from '../../config/meshid-config.js';
import type { SigningAlg } from '../../keys/domain/signing-keys.events.js';
import { KeyRing } from '../../keys/read-model/key-ring.js';
import { claimsForScope } from './claims-by-scope.js';
import { ACCESS_TOKEN_TTL_SECONDS, ID_TOKEN_TTL_SECONDS } from './token-lifetimes.js';

/** What an access token says: RFC 9068 claims plus `gid`, the grant it was issued under. */
export interface AccessTokenRequest {
  grantId: string;
  clientId: string;
  subject: string;
  scope: readonly string[];
}

export interface IdTokenRequest {
  clientId: string;
  subject: string;
  alg: SigningAlg;
  scope: readonly string[];
  claims: Record<string, unknown>;
  authTime: number;
  nonce: string | null;
  accessToken: string;
}

/** The access token's alg: RS256, which every resource server can verify, whatever the client's ID-token alg. */
export const ACCESS_TOKEN_ALG: SigningAlg = 'RS256';

/**
 * Signs access tokens (RFC 9068 `at+jwt`) and ID tokens with the key ring's active keys. Pure
 * computation: no event, no read (the ring is in memory).
 */
@Injectable()
export class TokenMinter {
  constructor(
    private readonly ring: KeyRing,
    private readonly clock: Clock,
    @Inject(MeshidConfig) private readonly config: MeshidConfig,
  ) {}

  accessToken(request: AccessTokenRequest): Promise<string> {
    const now = this.seconds();
    const key = this.ring.signingKey(ACCESS_TOKEN_ALG);
    return new SignJWT({ client_id: request.clientId, scope: request.scope.join(' '), gid: request.grantId })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, kid: key.kid, typ: 'at+jwt' })
      .setIssuer(this.config.issuer)
      .setSubject(request.subject)
      .setAudience(request.clientId)
      .setJti(randomBytes(16).toString('base64url'))
      .setIssuedAt(now)
      .setExpirationTime(now + ACCESS_TOKEN_TTL_SECONDS)
      .sign(key.privateKey);
  }

  /** `aud` is the client alone (relying-parties §1.6 item 5); claims are released by scope. */
  idToken(request: IdTokenRequest): Promise<string> {
    const now = this.seconds();
    const key = this.ring.signingKey(request.alg);
    const payload: Record<string, unknown> = {
      ...claimsForScope(request.claims, request.scope),
      auth_time: request.authTime,
      at_hash: tokenHash(request.alg, request.accessToken),
      ...(request.nonce === null ? {} : { nonce: request.nonce }),
    };
    return new SignJWT(payload)
      .setProtectedHeader({ alg: request.alg, kid: key.kid, typ: 'JWT' })
      .setIssuer(this.config.issuer)
      .setSubject(request.subject)
      .setAudience(request.clientId)
      .setIssuedAt(now)
      .setExpirationTime(now + ID_TOKEN_TTL_SECONDS)
      .sign(key.privateKey);
  }

  private seconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }
}

/**
 * `at_hash` (OIDC Core §3.1.3.6): the left half of the hash of the access token, with the hash of
 * the ID token's alg (SHA-256 for RS256/ES256, SHA-512 for EdDSA over Ed25519).
 */
export function tokenHash(alg: SigningAlg, token: string): string {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256').update(token, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
