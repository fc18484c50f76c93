import type { Database, Statement } from 'better-sqlite3';
import type { EventRow } from '../event-row.js';


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
  }
}
