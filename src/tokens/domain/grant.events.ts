import type { JsonObject } from '#event-store';
import type { IdentitySnapshot } from '../../policy/identity-snapshot.js';

export const GRANT_ISSUED = 'GrantIssued';
export const REFRESH_TOKEN_ROTATED = 'RefreshTokenRotated';
export const REFRESH_TOKEN_REUSE_DETECTED = 'RefreshTokenReuseDetected';
export const GRANT_REVOKED = 'GrantRevoked';
export const TOKEN_EXCHANGED = 'TokenExchanged';

export const grantStream = (grantId: string) => `grant-${grantId}`;

/** What a person granted a client, and its first refresh token. */
export interface GrantIssued extends JsonObject {
  grantId: string;
  clientId: string;
  subject: string;
  scope: string[];
  claims: JsonObject;
  authTime: number;
  /** `client_credentials` only in logs written before those grants stopped being recorded. */
  origin: 'authorization_code' | 'client_credentials';
  /**
   * The browser session the person signed in under (`sid` in ID tokens; its logout revokes the
   * grant); null for client_credentials. Absent from grants recorded before sessions: read it as
   * `?? null`.
   */
  sessionId?: string | null;
  /** The identity's policy snapshot from the code; absent from grants recorded before snapshots. */
  identity?: IdentitySnapshot | null;
  /**
   * The RFC 8707 resources granted (from the code): every access token of the grant is bound to
   * these or a subset the request names. Absent: none (and in grants recorded before them).
   */
  resources?: string[];
  /** HMAC of the current refresh token's secret, or null when the grant has none. */
  refreshTokenDigest: string | null;
  /** Milliseconds since the epoch; refresh tokens slide, each rotation sets a new expiry. */
  refreshExpiresAt: number | null;
}

export interface RefreshTokenRotated extends JsonObject {
  fromDigest: string;
  toDigest: string;
  /** Milliseconds since the epoch, by the deciding clock (the grace window is measured from it). */
  rotatedAt: number;
  refreshExpiresAt: number;
  /** The scope of the tokens this refresh issued (a subset of the grant's). */
  scope: string[];
  /** The resources this refresh's access token is bound to (a subset of the grant's), when any. */
  resources?: string[];
  /**
   * The identity as re-resolved for this refresh, present only when it differs from what the
   * grant held (a new display name, new groups, changed tailnet grants): later tokens and
   * userinfo use it.
   */
  reidentified?: { claims: JsonObject; identity: IdentitySnapshot };
  /** With `reidentified`: the grant's subject, whose key seals it (PERSONAL_DATA). */
  subject?: string;
}

export interface RefreshTokenReuseDetected extends JsonObject {
  presentedDigest: string;
}

export type GrantRevocationReason =
  | 'refresh_token_reuse'
  | 'authorization_code_reuse'
  | 'revoked_by_client'
  | 'logout'
  /** The browser session it was issued under ended (SessionGrantsReactor). */
  | 'session_ended'
  /** At a refresh, the tailnet no longer knew the person (node removed, or now someone else's). */
  | 'identity_gone'
  | 'administrator'
  /** The person was forgotten (meshid accounts forget): their personal data is crypto-shredded. */
  | 'subject_forgotten'
  /** The local account it was issued to was deleted by an administrator. */
  | 'account_deleted';

export interface GrantRevoked extends JsonObject {
  reason: GrantRevocationReason;
  /** The client, when the grant was never recorded (a client_credentials token revoked at /revoke). */
  clientId?: string;
}

/**
 * An access token of the grant was exchanged (RFC 8693) for one another client may present to the
 * audiences named: who asked, for whom, and until when. The new token carries the grant's id, so
 * revoking the grant ends it too.
 */
export interface TokenExchanged extends JsonObject {
  /** The client that exchanged (it need not be the grant's client). */
  clientId: string;
  audience: string[];
  scope: string[];
  /** The acting party (`act`), when an actor token was given. */
  actor?: { sub: string; clientId?: string };
  /** Seconds since the epoch: when the new token expires. */
  expiresAt: number;
}
