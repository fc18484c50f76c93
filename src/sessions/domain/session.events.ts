import type { JsonObject } from '#event-store';
import type { RecordedIdentity } from '../../policy/identity-snapshot.js';

export const SESSION_STARTED = 'SessionStarted';
export const SESSION_ENDED = 'SessionEnded';

export const SESSION_STREAM_PREFIX = 'session-';
/** A browser session's stream, named by its random id (not secret: the cookie's secret is). */
export const sessionStream = (sessionId: string) => `${SESSION_STREAM_PREFIX}${sessionId}`;

/**
 * How the session's person was authenticated. `network`: the tailnet (or a trusted proxy, or the
 * dev identity) vouches for every request and the session only ties sign-ins together (events
 * written before this field existed mean that). The others are sign-ins the session itself
 * carries: a local account's password (with or without TOTP) or passkey, or an approval given
 * from one of the person's tailnet devices.
 */
export type SessionMethod = 'network' | 'password' | 'passkey' | 'approval';

/** A browser sign-in session, bound to one subject for its whole life. */
export interface SessionStarted extends JsonObject {
  subject: string;
  /** HMAC of the cookie's secret (SecretHasher): the secret itself is never stored. */
  secretDigest: string;
  /** Milliseconds since the epoch: also the authentication time of a session that carries its sign-in. */
  startedAt: number;
  method?: SessionMethod;
  /**
   * For `approval`: who approved, as their tailnet identity was when they did (claims and
   * snapshot), since the browser itself is not on the tailnet. Personal data, sealed per subject.
   */
  identity?: RecordedIdentity;
}

export type SessionEndReason = 'logout' | 'identity_changed';

export interface SessionEnded extends JsonObject {
  /** `logout`: RP-initiated logout; `identity_changed`: the browser came back as someone else. */
  reason: SessionEndReason;
  /** Milliseconds since the epoch. */
  endedAt: number;
}
