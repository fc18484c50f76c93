import { Inject, Injectable } from '@nestjs/common';
import type Database from 'better-sqlite3';
import type { EventStore, RecordedEvent } from '#event-store';
import type { Projection } from '#projections';
import { MeshidConfig } from '../../config/meshid-config.js';
import { RAW_EVENT_STORE, ReadModelProjection } from '../../storage/storage.tokens.js';
import { RETAINED_STREAM_PREFIXES, retentionFor } from './retention-policy.js';

/** Pending streams handled per query, so that a first run over a long log never loads them all. */
const PAGE = 500;

/**
 * Gives every authorization-code and audit-day stream its max age (issue F §5). `apply` records
 * each stream of those categories as it starts (its event at revision 0) in `retention_pending`;
 * `react` sets the stream's max age from the configuration (`retentionAuthorizationCodeDays`,
 * `retentionAuditDays`) through the raw store, then clears the row and counts the stream in
 * `retention_streams`.
 *
 * At least once: a crash between setting an age and clearing its row sets it again, and every
 * replica runs this reactor over the same log; `setStreamMaxAge` is idempotent (the last call
 * wins, with the same value), so the repetitions change nothing. The age is read from the
 * configuration when the reaction runs, not when the event was seen.
 */
@Injectable()
@ReadModelProjection()
export class RetentionReactor implements Projection {
  readonly name = 'retention';
  readonly tables = ['retention_pending', 'retention_streams'] as const;
  readonly filter = { streamNamePrefixes: RETAINED_STREAM_PREFIXES };

  constructor(
    @Inject(RAW_EVENT_STORE) private readonly store: EventStore,
    @Inject(MeshidConfig) private readonly config: MeshidConfig,
  ) {}

  apply(event: RecordedEvent, db: Database.Database): void {
    if (event.revision !== 0n || retentionFor(event.stream, this.config) === undefined) return;
    db.prepare('INSERT OR IGNORE INTO retention_pending (stream) VALUES (?)').run(event.stream);
  }

  async react(db: Database.Database): Promise<void> {
    const page = db.prepare('SELECT stream FROM retention_pending ORDER BY stream LIMIT ?').pluck();
    const done = db.transaction((stream: string, category: string) => {
      // Counted once: a repeated reaction finds its row already gone.
      if (db.prepare('DELETE FROM retention_pending WHERE stream = ?').run(stream).changes === 0) return;
      db.prepare(
        'INSERT INTO retention_streams (category, streams) VALUES (?, 1) ON CONFLICT (category) DO UPDATE SET streams = streams + 1',
      ).run(category);
    });
    for (let streams = page.all(PAGE) as string[]; streams.length > 0; streams = page.all(PAGE) as string[]) {
      for (const stream of streams) {
        const retention = retentionFor(stream, this.config)!;
        await this.store.setStreamMaxAge(stream, retention.maxAgeSeconds);
        done(stream, retention.category);
      }
    }
  }
}
