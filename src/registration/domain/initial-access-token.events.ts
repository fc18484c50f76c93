import type { RecordedEvent } from '#event-store';

/**
 * The events of an `initial-access-token-<tokenId>` stream. None carries the token: only
 * `digest`, the HMAC-SHA-256 of its secret under the server pepper (see SecretHasher).
 */
export const InitialAccessTokenEventType = {
  Issued: 'InitialAccessTokenIssued',
  Used: 'InitialAccessTokenUsed',
  Revoked: 'InitialAccessTokenRevoked',
} as const;

/** First event of the stream: what an administrator created. */
export interface InitialAccessTokenIssuedData {
  tokenId: string;
  digest: string;
  /** Milliseconds since the Unix epoch after which the token is refused. */
  expiresAt: number;
  /** How many clients it may register. */
  maxUses: number;
  /** The administrator's note of what it is for. */
  description?: string;
  [key: string]: unknown;
}

/** One registration the token authorized; appended at the revision the decision was made on. */
export interface InitialAccessTokenUsedData {
  clientId: string;
  [key: string]: unknown;
}

export type InitialAccessTokenRevokedData = Record<string, unknown>;

export type InitialAccessTokenEvent =
  | { type: typeof InitialAccessTokenEventType.Issued; data: InitialAccessTokenIssuedData }
  | { type: typeof InitialAccessTokenEventType.Used; data: InitialAccessTokenUsedData }
  | { type: typeof InitialAccessTokenEventType.Revoked; data: InitialAccessTokenRevokedData };

/** A recorded token event whose data is not what this module writes: the log is damaged. */
export class MalformedInitialAccessTokenEventError extends Error {
  override readonly name = 'MalformedInitialAccessTokenEventError';
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

/**
 * The token event a recorded event is, or null for a type this module does not handle. A known
 * type with data of another shape is refused, not skipped: deciding on a damaged stream could
 * let a used-up token register again.
 */
export function parseInitialAccessTokenEvent(event: Pick<RecordedEvent, 'type' | 'data'>): InitialAccessTokenEvent | null {
  const data = event.data;
  const malformed = (what: string) => new MalformedInitialAccessTokenEventError(`${event.type} event without a valid ${what}`);
  switch (event.type) {
    case InitialAccessTokenEventType.Issued:
      if (typeof data['tokenId'] !== 'string') throw malformed('tokenId');
      if (typeof data['digest'] !== 'string' || data['digest'] === '') throw malformed('digest');
      if (!isCount(data['expiresAt'])) throw malformed('expiresAt');
      if (!isCount(data['maxUses'])) throw malformed('maxUses');
      if (data['description'] !== undefined && typeof data['description'] !== 'string') throw malformed('description');
      return { type: event.type, data: data as InitialAccessTokenIssuedData };
    case InitialAccessTokenEventType.Used:
      if (typeof data['clientId'] !== 'string') throw malformed('clientId');
      return { type: event.type, data: data as InitialAccessTokenUsedData };
    case InitialAccessTokenEventType.Revoked:
      return { type: event.type, data };
    default:
      return null;
  }
}
