import type { JsonObject } from '#event-store';

export const SESSION_STARTED = 'SessionStarted';
export const SESSION_ENDED = 'SessionEnded';

export const SESSION_STREAM_PREFIX = 'session-';
/** A browser session's stream, named by its random id (not secret: the cookie's secret is). */
export const sessionStream = (sessionId: string) => `${SESSION_STREAM_PREFIX}${sessionId}`;

/** A browser sign-in session, bound to one subject for its whole life. */
export interface SessionStarted extends JsonObject {
  subject: string;
  /** HMAC of the cookie's secret (SecretHasher): the secret itself is never stored. */
  secretDigest: string;
  /** Milliseconds since the epoch. */
  startedAt: number;
}

export type SessionEndReason = 'logout' | 'identity_changed';

export interface SessionEnded extends JsonObject {
  /** `logout`: RP-initiated logout; `identity_changed`: the browser came back as someone else. */
  reason: SessionEndReason;
  /** Milliseconds since the epoch. */
  endedAt: number;
}
