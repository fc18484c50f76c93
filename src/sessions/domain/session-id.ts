import { randomId } from '../../common/ids.js';

/** A session id: 16 random bytes, base64url (22 characters), never starting with `-`. */
export function newSessionId(): string {
  return randomId(16);
}

const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{21}$/;

/** Whether `value` has the form of a session id (anything else is refused before any read). */
export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && SESSION_ID.test(value);
}
