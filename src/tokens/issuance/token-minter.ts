import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { Clock } from '../../common/clock.js';
import { MeshidConfig } from '../../config/meshid-config.js';
import type { SigningAlg } from '../../keys/domain/signing-keys.events.js';
import { KeyRing } from '../../keys/read-model/key-ring.js';
import { claimsForScope } from './claims-by-scope.js';

/** What an access token says: RFC 9068 claims plus `gid`, the grant it was issued under. */
export interface AccessTokenRequest {
  grantId: string;
  clientId: string;
  subject: string;
  scope: readonly string[];
  /**
   * Who the token is for (`aud`): the RFC 8707 resources or RFC 8693 audiences it is bound to.
   * Empty: the client itself, as for a token only meshid's own endpoints accept.
   */
  audience: readonly string[];
  /** RFC 8693 §4.1 `act`: who acts for the subject (an exchanged token). */
  actor?: ActorClaim;
  /** Seconds since the epoch; defaults to now + the access-token lifetime. */
  expiresAt?: number;
}

/** RFC 8693 §4.1: the acting party, with the earlier ones of a delegation chain nested in `act`. */
export interface ActorClaim {
  sub: string;
  client_id?: string;
  act?: ActorClaim;
  [claim: string]: unknown;
}

export interface IdTokenRequest {
  clientId: string;
  subject: string;
  alg: SigningAlg;
  scope: readonly string[];
  claims: Record<string, unknown>;
  /** Claims granted by capability rules (tsidp's extraClaims), after the identity's own. */
  extraClaims: Record<string, unknown>;
  authTime: number;
  nonce: string | null;
  accessToken: string;
  /** The browser session (`sid`, OIDC Front-/Back-Channel Logout), when the grant has one. */
  sessionId?: string | null;
}

/**
 * Signs access tokens (RFC 9068 `at+jwt`) and ID tokens with the key ring's active keys. Pure
 * computation: no event, no read (the ring is in memory). The registered claims come last, so
 * no identity claim can stand in for `iss`, `sub`, `aud`, `iat` or `exp`.
 */
@Injectable()
export class TokenMinter {
  constructor(
    private readonly ring: KeyRing,
    private readonly clock: Clock,
    @Inject(MeshidConfig) private readonly config: MeshidConfig,
  ) {}

  /**
   * Signed with `accessTokenAlg` for every client, so resource servers need to support one alg.
   * `aud` is a string when the token has one audience, an array when it has several (RFC 7519).
   */
  accessToken(request: AccessTokenRequest): string {
    const now = this.seconds();
    const audience = request.audience.length === 0 ? [request.clientId] : request.audience;
    return this.ring.signJwt(this.config.accessTokenAlg, 'at+jwt', {
      client_id: request.clientId,
      scope: request.scope.join(' '),
      gid: request.grantId,
      jti: randomBytes(16).toString('base64url'),
      ...(request.actor !== undefined ? { act: request.actor } : {}),
      iss: this.config.issuer,
      sub: request.subject,
      aud: audience.length === 1 ? audience[0] : [...audience],
      iat: now,
      exp: request.expiresAt ?? now + this.config.accessTokenLifetime,
    });
  }

  /** Seconds since the epoch by the minter's clock. */
  now(): number {
    return this.seconds();
  }

  /**
   * `aud` is the client alone (relying-parties §1.6 item 5); identity claims are released by
   * scope, granted extra claims always (tsidp). Extra claims cannot name a protected claim (the
   * capability parser drops those), and the registered claims come last regardless.
   */
  idToken(request: IdTokenRequest): string {
    const now = this.seconds();
    return this.ring.signJwt(request.alg, 'JWT', {
      ...claimsForScope(request.claims, request.scope),
      ...request.extraClaims,
      auth_time: request.authTime,
      at_hash: tokenHash(request.alg, request.accessToken),
      ...(request.nonce === null ? {} : { nonce: request.nonce }),
      ...(request.sessionId ? { sid: request.sessionId } : {}),
      iss: this.config.issuer,
      sub: request.subject,
      aud: request.clientId,
      iat: now,
      exp: now + this.config.idTokenLifetime,
    });
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
