import { ErrorType, isCommandError } from '@kurrent/kurrentdb-client';
import {
  EventStoreError,
  EventStoreUnavailableError,
  InvalidEventStoreInputError,
  StreamDeletedError,
  WrongExpectedVersionError,
} from '../../errors.js';
import type { ExpectedRevision } from '../../event-store.js';

/** The client's error kind (`ErrorType`), if it is one of the client's errors. */
function errorType(error: unknown): ErrorType | undefined {
  return error instanceof Error && isCommandError(error) ? error.type : undefined;
}

export function isStreamNotFound(error: unknown): boolean {
  return errorType(error) === ErrorType.STREAM_NOT_FOUND;
}

/** The server's answer for a tombstoned stream (and, on reads, the bridge's). */
export function isStreamDeleted(error: unknown): boolean {
  return errorType(error) === ErrorType.STREAM_DELETED;
}

/**
 * Maps what the client throws to the port's errors: a version conflict to ours (with the
 * stream's actual revision), a tombstoned stream to `StreamDeletedError`, a payload the server refused to `InvalidEventStoreInputError`,
 * and everything else (connection refused, deadline, server down, unknown) to
 * `EventStoreUnavailableError` with the client's error as the cause.
 */
export function mapClientError(error: unknown, action: string, append?: { stream: string; expected: ExpectedRevision }): Error {
  if (error instanceof EventStoreError) return error;
  const type = errorType(error);
  if (type === ErrorType.WRONG_EXPECTED_VERSION && append) {
    const actual = (error as { actualState?: unknown }).actualState;
    return new WrongExpectedVersionError(append.stream, append.expected, typeof actual === 'bigint' ? actual : 'no_stream');
  }
  if (type === ErrorType.STREAM_DELETED) {
    const named = (error as { streamName?: unknown }).streamName;
    return new StreamDeletedError(append?.stream ?? (typeof named === 'string' ? named : 'unknown'));
  }
  if (type === ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED || type === ErrorType.APPEND_RECORD_SIZE_EXCEEDED) {
    return new InvalidEventStoreInputError('events', `${action}: ${(error as Error).message}`);
  }
  const message = error instanceof Error && error.message ? error.message : String(type ?? error);
  return new EventStoreUnavailableError(`KurrentDB ${action} failed: ${message}`, { cause: error });
}
