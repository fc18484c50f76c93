import type Database from 'better-sqlite3';
import { formatPosition, type RecordedEvent } from '#event-store';
import type { Projection } from '#projections';
import { ReadModelProjection } from '../../storage/storage.tokens.js';

/** The category of a stream: `client-abc` → `client`; a name without `-` is its own category. */
export function streamCategory(stream: string): string {
  const dash = stream.indexOf('-');
  return dash === -1 ? stream : stream.slice(0, dash);
}

/**
 * What the log holds, per stream category: the first read model, and the cheapest answer to
 * "how big is the log and what changed last" for operators and the audit views.
 */
@ReadModelProjection()
export class LogSummaryProjection implements Projection {
  readonly name = 'log-summary';
  readonly tables = ['log_summary'] as const;
  private upsert?: Database.Statement;

  apply(event: RecordedEvent, db: Database.Database): void {
    this.upsert ??= db.prepare(`
      INSERT INTO log_summary (category, streams, events, last_position, last_event_at)
      VALUES (@category, @newStream, 1, @position, @at)
      ON CONFLICT (category) DO UPDATE SET
        streams = streams + @newStream,
        events = events + 1,
        last_position = @position,
        last_event_at = @at`);
    this.upsert.run({
      category: streamCategory(event.stream),
      // A stream's first event is its revision 0: counting those counts the streams.
      newStream: event.revision === 0n ? 1 : 0,
      position: formatPosition(event.position),
      at: event.createdAt.toISOString(),
    });
  }
}
