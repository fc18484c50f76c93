import type { Database } from 'better-sqlite3';
import { EventStoreUnavailableError } from '../../errors.js';

/**
 * The log's schema. `position` is the global (`$all`) order; `UNIQUE(stream, revision)` is the
 * last line of defence of the expected-revision gate: even a writer that skipped the check could
 * not record two events at one revision of a stream. `AUTOINCREMENT` keeps positions of removed
 * events from ever being handed out again, so a subscriber's checkpoint stays meaningful.
 *
 * The event store owns these tables and their version (in `event_store_meta`), separately from
 * the read-model migrations, because the log must stay readable whatever the read models become.
 *
 * Versions: 1 = `events`; 2 adds `stream_retention` (max age per stream, and the last revision
 * compaction removed, so that a stream emptied by retention keeps its revision) and
 * `deleted_streams` (erased streams, never to be written again). A version-1 file is upgraded in
 * place when opened.
 */
export const SCHEMA_VERSION = '2';

const EVENTS = `
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
  ) STRICT;`;

const VERSION_2 = `
  CREATE TABLE IF NOT EXISTS stream_retention (
    stream            TEXT    PRIMARY KEY,
    max_age_seconds   INTEGER NOT NULL CHECK (max_age_seconds > 0),
    compacted_through INTEGER
  ) STRICT;
  CREATE TABLE IF NOT EXISTS deleted_streams (
    stream     TEXT    PRIMARY KEY,
    deleted_at INTEGER NOT NULL
  ) STRICT;`;

/**
 * Creates the schema in a new file, upgrades a version-1 file, and refuses any other version.
 * Runs under the write lock, so two processes opening one old file upgrade it once.
 */
export function ensureEventsSchema(db: Database): void {
  db.transaction(() => {
    db.exec(EVENTS);
    const row = db.prepare(`SELECT value FROM event_store_meta WHERE key = 'schema_version'`).get() as
      | { value: string }
      | undefined;
    if (row !== undefined && row.value !== '1' && row.value !== SCHEMA_VERSION) {
      throw new EventStoreUnavailableError(
        `the event log in this database has schema version ${row.value}; this meshid reads version ${SCHEMA_VERSION}`,
      );
    }
    db.exec(VERSION_2);
    if (row?.value === SCHEMA_VERSION) return;
    db.prepare(
      `INSERT INTO event_store_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    ).run(SCHEMA_VERSION);
  }).immediate();
}
