import type { JsonObject } from '#event-store';
import type { IdentitySnapshot } from '../../policy/identity-snapshot.js';

export const AUTHORIZATION_CODE_ISSUED = 'AuthorizationCodeIssued';
export const AUTHORIZATION_CODE_REDEEMED = 'AuthorizationCodeRedeemed';
export const AUTHORIZATION_CODE_REUSE_DETECTED = 'AuthorizationCodeReuseDetected';

/** The stream of one code, named by the code's HMAC: the code itself is never stored. */
export const authorizationCodeStream = (codeDigest: string) => `authcode-${codeDigest}`;

/** Everything the token endpoint needs to honour the code, captured when it was issued. */
export interface AuthorizationCodeIssued extends JsonObject {
  clientId: string;
  redirectUri: string;
  scope: string[];
  subject: string;
  /** The identity's claims when the person was authenticated, for the ID token and userinfo. */
  claims: JsonObject;
  /** Seconds since the epoch: when the person authenticated (`auth_time`). */
  authTime: number;
  /** Milliseconds since the epoch after which the code is refused. */
  expiresAt: number;
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | 'plain' | null;
  /**
   * The browser session of the sign-in, carried on to the grant (and `sid`). Absent from codes
   * issued before sessions: read it as `?? null`.
   */
  sessionId?: string | null;
  /**
   * Where the identity came from and the capability rules it carried, for policy at the token
   * endpoint. Absent from codes issued before policy snapshots: no rules apply to those.
   */
  identity?: IdentitySnapshot;
  /**
   * The RFC 8707 resources the person's policy allowed at /authorize: the most the code's access
   * tokens may be bound to. Absent: none (and in codes issued before resource indicators).
   */
  resources?: string[];
}

export interface AuthorizationCodeRedeemed extends JsonObject {
  /** The grant the redemption started; a replay of the code revokes it. */
  grantId: string;
  clientId: string;
}

export interface AuthorizationCodeReuseDetected extends JsonObject {
  /** The grant of the first, successful redemption. */
  grantId: string;
  clientId: string;
}
