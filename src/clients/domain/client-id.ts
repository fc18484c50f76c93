import { randomId } from '../../common/ids.js';
import { InvalidClientIdError } from './client.errors.js';

/** Starts with a letter or digit, so that an id is never read as a command-line option. */
const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A new client id: 18 random bytes, 24 base64url characters. The server always chooses it. */
export function generateClientId(): string {
  return randomId(18);
}

/** Refuses ids that could not name a stream or be printed safely (imported ids are checked too). */
export function assertClientId(clientId: string): string {
  if (!CLIENT_ID.test(clientId)) throw new InvalidClientIdError(clientId);
  return clientId;
}

export const CLIENT_STREAM_PREFIX = 'client-';

/** The client's stream: `client-<clientId>`. Its existence is what makes the id taken. */
export function clientStream(clientId: string): string {
  return `${CLIENT_STREAM_PREFIX}${assertClientId(clientId)}`;
}
