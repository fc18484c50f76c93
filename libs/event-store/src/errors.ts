import type { ExpectedRevision } from './event-store.js';

/** Base class of every error the event store raises on purpose. */
export class EventStoreError extends Error {
  override readonly name: string = 'EventStoreError';
}

/**
 * The stream was not at the revision the writer expected. This is the concurrency gate every
 * single-use and one-writer-at-a-time rule relies on: exactly one of N racing appends that
 * expect the same revision succeeds, the others get this error and write nothing.
 */
export class WrongExpectedVersionError extends EventStoreError {
  override readonly name = 'WrongExpectedVersionError';

  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** The stream's revision when the append was refused, or `no_stream`. */
    readonly actual: bigint | 'no_stream',
  ) {
    super(`stream "${stream}": expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

/**
 * The stream was deleted (`deleteStream`): it can never be written again. Erasure is final, so
 * a writer that meets this must not recreate the stream under the same name.
 */
export class StreamDeletedError extends EventStoreError {
  override readonly name = 'StreamDeletedError';

  constructor(readonly stream: string) {
    super(`stream "${stream}" is deleted: it cannot be appended to`);
  }
}

/** A stream name, event type, payload or option that the store refuses before touching storage. */
export class InvalidEventStoreInputError extends EventStoreError {
  override readonly name = 'InvalidEventStoreInputError';

  constructor(
    /** What was wrong: `stream`, `type`, `data`, `metadata`, `id`, `expectedRevision`, ... */
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The store cannot be reached or refused the operation for a reason other than the caller's input. */
export class EventStoreUnavailableError extends EventStoreError {
  override readonly name = 'EventStoreUnavailableError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
