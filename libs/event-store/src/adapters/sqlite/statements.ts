import type { Database, Statement } from 'better-sqlite3';
import type { EventRow } from '../event-row.js';

const MAX_INT64 = '9223372036854775807';
const COLUMNS = 'position, id, stream, revision, type, data, metadata, created_at';

/** Every statement the adapter runs, prepared once per connection. */
export class EventStatements {
  readonly lastRevision: Statement<[string], { revision: bigint; position: bigint }>;
  readonly insert: Statement<[string, string, bigint, string, string, string, number]>;
  readonly streamForwards: Statement<[string, bigint, number], EventRow>;
  readonly streamBackwards: Statement<[string, bigint, number], EventRow>;
  readonly allForwards: Statement<[bigint, number], EventRow>;
  readonly allBackwards: Statement<[bigint, number], EventRow>;
  readonly headPosition: Statement<[], { position: bigint | null }>;
  readonly isDeleted: Statement<[string], { deleted: 1 }>;
  readonly compactedThrough: Statement<[string], { revision: bigint | null }>;
  readonly setMaxAge: Statement<[string, number]>;
  readonly deleteStreamEvents: Statement<[string]>;
  readonly markDeleted: Statement<[string, number]>;
  readonly dropRetention: Statement<[string]>;
  readonly expiredPrefixes: Statement<[{ now: number }], { stream: string; through: bigint; removed: bigint }>;
  readonly removeThrough: Statement<[string, bigint]>;
  readonly recordCompacted: Statement<[bigint, string]>;

  constructor(db: Database) {
    this.lastRevision = db
      .prepare<[string], { revision: bigint; position: bigint }>(
        'SELECT revision, position FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1',
      )
      .safeIntegers(true);
    this.insert = db.prepare(
      'INSERT INTO events (id, stream, revision, type, data, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.streamForwards = db
      .prepare<[string, bigint, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`,
      )
      .safeIntegers(true);
    this.streamBackwards = db
      .prepare<[string, bigint, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
      )
      .safeIntegers(true);
    this.allForwards = db
      .prepare<[bigint, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE position >= ? ORDER BY position ASC LIMIT ?`)
      .safeIntegers(true);
    this.allBackwards = db
      .prepare<[bigint, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE position <= ? ORDER BY position DESC LIMIT ?`)
      .safeIntegers(true);
    this.headPosition = db
      .prepare<[], { position: bigint | null }>('SELECT max(position) AS position FROM events')
      .safeIntegers(true);
    this.isDeleted = db.prepare<[string], { deleted: 1 }>('SELECT 1 AS deleted FROM deleted_streams WHERE stream = ?');
    this.compactedThrough = db
      .prepare<[string], { revision: bigint | null }>('SELECT compacted_through AS revision FROM stream_retention WHERE stream = ?')
      .safeIntegers(true);
    this.setMaxAge = db.prepare(
      `INSERT INTO stream_retention (stream, max_age_seconds) VALUES (?, ?)
       ON CONFLICT (stream) DO UPDATE SET max_age_seconds = excluded.max_age_seconds`,
    );
    this.deleteStreamEvents = db.prepare('DELETE FROM events WHERE stream = ?');
    this.markDeleted = db.prepare('INSERT OR IGNORE INTO deleted_streams (stream, deleted_at) VALUES (?, ?)');
    this.dropRetention = db.prepare('DELETE FROM stream_retention WHERE stream = ?');
    // Per stream with a max age: the revision of its oldest event still young (NULL: none is),
    // computed once per stream; every event before it is past age and may go.
    this.expiredPrefixes = db
      .prepare<[{ now: number }], { stream: string; through: bigint; removed: bigint }>(
        `WITH bounds AS MATERIALIZED (
           SELECT r.stream,
                  (SELECT min(y.revision) FROM events y
                    WHERE y.stream = r.stream AND y.created_at >= @now - r.max_age_seconds * 1000) AS young
             FROM stream_retention r)
         SELECT e.stream AS stream, max(e.revision) AS through, count(*) AS removed
           FROM bounds b JOIN events e ON e.stream = b.stream AND e.revision < coalesce(b.young, ${MAX_INT64})
          GROUP BY e.stream`,
      )
      .safeIntegers(true);
    this.removeThrough = db.prepare('DELETE FROM events WHERE stream = ? AND revision <= ?');
    this.recordCompacted = db.prepare('UPDATE stream_retention SET compacted_through = ? WHERE stream = ?');
  }
}
