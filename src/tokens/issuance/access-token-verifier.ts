import { Inject, Injectable } from '@nestjs/common';
import { ClientLookup } from '../../clients/client-lookup.js';
import { Clock } from '../../common/clock.js';
import { MeshidConfig } from '../../config/meshid-config.js';
import { SIGNING_ALGS } from '../../keys/domain/signing-keys.events.js';
import { KeyRing } from '../../keys/read-model/key-ring.js';
import { RevokedGrants } from '../read-model/revoked-grants.js';
import { isActorClaim } from './actor-claim.js';
import type { ActorClaim } from './token-minter.js';

/** The claims of a valid meshid access token. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  client_id: string;
  scope: string;
  jti: string;
  iat: number;
  exp: number;
  gid: string;
  /** RFC 8693 §4.1: who acts for `sub` (a token obtained by exchange with an actor token). */
  act?: ActorClaim;
}

/** An access token that is in force, or why it is not. */
export type TokenInForce = { claims: AccessTokenClaims } | { claims: null; problem: 'invalid' | 'revoked' | 'client_gone' };

/**
 * Checks a meshid access token: signature by a published key (so a token signed just before a
 * rotation stays valid until it expires), `typ: at+jwt` (RFC 9068 §4: never an ID token used as
 * an access token), issuer, expiry, and the type of every claim meshid relies on; `inForce` adds
 * what can end a token before it expires.
 */
@Injectable()
export class AccessTokenVerifier {
  constructor(
    private readonly ring: KeyRing,
    private readonly clock: Clock,
    @Inject(MeshidConfig) private readonly config: MeshidConfig,
    private readonly revoked: RevokedGrants,
    private readonly clients: ClientLookup,
  ) {}

  /**
   * The one check of every place that honours an access token (userinfo, introspection, token
   * exchange, the admin API): `verify`, then its grant not revoked and its client not deleted.
   * Both are answered from memory. Deleting a client revokes nothing in the log, so without the
   * second check its tokens would outlive it until they expire.
   */
  inForce(token: string): TokenInForce {
    const claims = this.verify(token);
    if (claims === null) return { claims: null, problem: 'invalid' };
    if (this.revoked.has(claims.gid)) return { claims: null, problem: 'revoked' };
    if (!this.clients.stillServes(claims.client_id)) return { claims: null, problem: 'client_gone' };
    return { claims };
  }

  /** The claims, or null for anything that is not a valid, unexpired meshid access token. */
  verify(token: string): AccessTokenClaims | null {
    const verified = this.ring.verifyJwt(token, SIGNING_ALGS);
    if (verified === null || verified.header.typ !== 'at+jwt') return null;
    const claims = verified.payload;
    const strings = ['iss', 'sub', 'client_id', 'jti', 'gid'] as const;
    if (!strings.every((name) => typeof claims[name] === 'string')) return null;
    if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number') return null;
    if (claims.scope !== undefined && typeof claims.scope !== 'string') return null;
    if (typeof claims.aud !== 'string' && !(Array.isArray(claims.aud) && claims.aud.every((item) => typeof item === 'string'))) return null;
    if (claims['act'] !== undefined && !isActorClaim(claims['act'])) return null;
    if (claims.iss !== this.config.issuer || this.clock.now() >= claims.exp * 1000) return null;
    return { ...(claims as unknown as AccessTokenClaims), scope: typeof claims.scope === 'string' ? claims.scope : '' };
  }
}
