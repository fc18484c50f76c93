import type { Database } from 'better-sqlite3';
import { EventStoreUnavailableError } from '../../errors.js';

/**
 * The log's schema. `position` is the global (`$all`) order; `UNIQUE(stream, revision)` is the
 * last line of defence of the expected-revision gate: even a writer that skipped the check could
 * not record two events at one revision of a stream.
 *
 * The event store owns this table and its version (in `event_store_meta`), separately from the
 * read-model migrations, because the log must stay readable whatever the read models become.
 */
const SCHEMA_VERSION = '1';

export function ensureEventsSchema(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS event_store_meta (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;
    CREATE TABLE IF NOT EXISTS events (
      position   INTEGER PRIMARY KEY AUTOINCREMENT,
      id         TEXT    NOT NULL UNIQUE,
      stream     TEXT    NOT NULL,
      revision   INTEGER NOT NULL,
      type       TEXT    NOT NULL,
      data       TEXT    NOT NULL,
      metadata   TEXT    NOT NULL,
      created_at INTEGER NOT NULL,
      UNIQUE (stream, revision)
    ) STRICT;
  `);
  const row = db.prepare(`SELECT value FROM event_store_meta WHERE key = 'schema_version'`).get() as
    | { value: string }
    | undefined;
  if (row === undefined) {
    db.prepare(`INSERT INTO event_store_meta (key, value) VALUES ('schema_version', ?)`).run(SCHEMA_VERSION);
  } else if (row.value !== SCHEMA_VERSION) {
    throw new EventStoreUnavailableError(
      `the event log in this database has schema version ${row.value}; this meshid reads version ${SCHEMA_VERSION}`,
    );
  }
}
