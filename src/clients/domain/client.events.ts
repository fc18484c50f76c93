import type { RecordedEvent } from '#event-store';
import type { ClientMetadata } from './client-metadata.js';

/**
 * The events of a `client-<clientId>` stream. None carries a secret: only `secretDigest`, the
 * HMAC-SHA-256 of the secret under the server pepper (see SecretHasher).
 */
export const ClientEventType = {
  Registered: 'ClientRegistered',
  Updated: 'ClientUpdated',
  SecretRotated: 'ClientSecretRotated',
  Deleted: 'ClientDeleted',
} as const;

/**
 * First event of the stream. `secretDigest` is null for a public client. `registrationTokenDigest`
 * is there only for a client registered with a registration access token (RFC 7592, dynamic
 * registration): the digest of the token that lets the client read, update and delete itself.
 */
export interface ClientRegisteredData {
  clientId: string;
  metadata: ClientMetadata;
  secretDigest: string | null;
  registrationTokenDigest?: string;
  [key: string]: unknown;
}

/**
 * The whole new metadata (not a diff), so that each event alone says what the client became.
 * Switching to token_endpoint_auth_method none drops the secret with it.
 */
export interface ClientUpdatedData {
  clientId: string;
  metadata: ClientMetadata;
  [key: string]: unknown;
}

/** The new secret's digest; the old secret stops matching from this event on. */
export interface ClientSecretRotatedData {
  clientId: string;
  secretDigest: string;
  [key: string]: unknown;
}

export interface ClientDeletedData {
  clientId: string;
  [key: string]: unknown;
}

export type ClientEvent =
  | { type: typeof ClientEventType.Registered; data: ClientRegisteredData }
  | { type: typeof ClientEventType.Updated; data: ClientUpdatedData }
  | { type: typeof ClientEventType.SecretRotated; data: ClientSecretRotatedData }
  | { type: typeof ClientEventType.Deleted; data: ClientDeletedData };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isDigest = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** A recorded client event whose data is not what this module writes: the log is damaged. */
export class MalformedClientEventError extends Error {
  override readonly name = 'MalformedClientEventError';
}

/**
 * The client event a recorded event is, or null for an event type this module does not handle.
 * A known type with data of another shape is not skipped but refused: it means the log was
 * written by something else or damaged, and a read model built past it would be wrong (the
 * projection stops naming the event; the evolver refuses to decide on such a stream).
 */
export function parseClientEvent(event: Pick<RecordedEvent, 'type' | 'data'>): ClientEvent | null {
  const data = event.data;
  const malformed = (what: string) => new MalformedClientEventError(`${event.type} event without a valid ${what}`);
  if (!(Object.values(ClientEventType) as string[]).includes(event.type)) return null;
  if (typeof data['clientId'] !== 'string') throw malformed('clientId');
  switch (event.type) {
    case ClientEventType.Registered:
      if (!isObject(data['metadata'])) throw malformed('metadata');
      if (!(data['secretDigest'] === null || isDigest(data['secretDigest']))) throw malformed('secretDigest');
      if (!(data['registrationTokenDigest'] === undefined || isDigest(data['registrationTokenDigest']))) throw malformed('registrationTokenDigest');
      return { type: event.type, data: data as ClientRegisteredData };
    case ClientEventType.Updated:
      if (!isObject(data['metadata'])) throw malformed('metadata');
      return { type: event.type, data: data as ClientUpdatedData };
    case ClientEventType.SecretRotated:
      if (!isDigest(data['secretDigest'])) throw malformed('secretDigest');
      return { type: event.type, data: data as ClientSecretRotatedData };
    default:
      return { type: ClientEventType.Deleted, data: data as ClientDeletedData };
  }
}
