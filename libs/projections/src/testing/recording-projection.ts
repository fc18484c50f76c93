import type Database from 'better-sqlite3';
import { type EventFilter, formatPosition, type RecordedEvent } from '#event-store';
import type { Projection } from '../projection.js';

/**
 * Test projection: one row per event in its own table, and a count of `apply` calls. The row is
 * written before `failWhen` is asked, so a failure proves that the runner rolls it back.
 */
export class RecordingProjection implements Projection {
  readonly tables: readonly string[];
  applied = 0;
  failWhen: ((event: RecordedEvent) => boolean) | null = null;

  constructor(
    readonly name: string,
    readonly filter?: EventFilter,
  ) {
    this.tables = [`${name}_rows`];
  }

  /** Creates its table (tests own their schema; the app's comes from `/migrations`). */
  createTable(db: Database.Database): this {
    db.exec(`CREATE TABLE IF NOT EXISTS ${this.tables[0]} (
      position TEXT PRIMARY KEY, stream TEXT NOT NULL, type TEXT NOT NULL, n INTEGER)`);
    return this;
  }

  apply(event: RecordedEvent, db: Database.Database): void {
    this.applied += 1;
    db.prepare(`INSERT INTO ${this.tables[0]} (position, stream, type, n) VALUES (?, ?, ?, ?)`).run(
      formatPosition(event.position),
      event.stream,
      event.type,
      typeof event.data['n'] === 'number' ? event.data['n'] : null,
    );
    if (this.failWhen?.(event)) throw new Error(`refused ${event.type}`);
  }

  rows(db: Database.Database): { position: string; stream: string; type: string; n: number | null }[] {
    return db.prepare(`SELECT position, stream, type, n FROM ${this.tables[0]} ORDER BY rowid`).all() as never;
  }
}
