import type { EventFilter, RecordedEvent, SubscriptionMessage } from '../event-store.js';
import { sequencePosition } from '../position.js';
import { matchesFilter } from '../validation.js';
import type { LogNotifier } from './log-notifier.js';

/** One row of an embedded log, decoded lazily so that filtered-out events cost no JSON parsing. */
export interface LogRow {
  sequence: bigint;
  stream: string;
  type: string;
  decode(): RecordedEvent;
}

export interface FollowLogOptions {
  /** Exclusive start: the last sequence the subscriber has seen (0n for the beginning). */
  after: bigint;
  filter: EventFilter | undefined;
  signal: AbortSignal | undefined;
  /** Rows of the log after `after`, in order, at most `limit`. */
  fetchAfter(after: bigint, limit: number): LogRow[];
  notifier: LogNotifier;
  /** How often to look for appends made by other processes. */
  pollIntervalMs: number;
  /** Set when the store closes: the subscription ends like an abort. */
  closed(): boolean;
  batchSize?: number;
}

/**
 * Catch-up-then-live subscription over an embedded log with a global sequence. After a page
 * whose last rows were filtered out it reports a checkpoint at the last row scanned, so a filtered subscriber can
 * persist its progress; `caughtUp` is reported once, the first time a page comes back short.
 */
export async function* followLog(options: FollowLogOptions): AsyncGenerator<SubscriptionMessage> {
  const { filter, signal, notifier } = options;
  const batchSize = options.batchSize ?? 500;
  let cursor = options.after;
  let caughtUp = false;
  let lastDelivered = -1n;
  const stopped = () => signal?.aborted === true || options.closed();
  while (!stopped()) {
    const seen = notifier.version;
    const rows = options.fetchAfter(cursor, batchSize);
    for (const row of rows) {
      if (matchesFilter(filter, row.stream, row.type)) {
        yield { kind: 'event', event: row.decode() };
        lastDelivered = row.sequence;
        if (stopped()) return;
      }
    }
    if (rows.length > 0) {
      cursor = rows[rows.length - 1]!.sequence;
      // Progress past the last delivered event is only visible through a checkpoint.
      if (cursor !== lastDelivered) yield { kind: 'checkpoint', position: sequencePosition(cursor) };
    }
    if (rows.length < batchSize) {
      if (!caughtUp) {
        caughtUp = true;
        yield { kind: 'caughtUp' };
      }
      if (stopped()) return;
      await notifier.wait(seen, options.pollIntervalMs, signal);
    }
  }
}
