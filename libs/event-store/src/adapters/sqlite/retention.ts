import type Database from 'better-sqlite3';
import type { EventStatements } from './statements.js';

/**
 * Retention and erasure on the SQLite log (`stream_retention`, `deleted_streams`; see schema.ts).
 * Each operation is one `BEGIN IMMEDIATE` transaction, so it never interleaves with an append to
 * the same file, from this process or another.
 */
export class SqliteRetention {
  private readonly setMaxAgeTransaction: (stream: string, maxAgeSeconds: number) => void;
  private readonly deleteTransaction: (stream: string, now: number) => void;
  private readonly compactTransaction: (now: number) => number;

  constructor(db: Database.Database, statements: EventStatements) {
    this.setMaxAgeTransaction = db.transaction((stream: string, maxAgeSeconds: number) => {
      // A deleted stream has nothing left to retain; recording an age for it would outlive it.
      if (statements.isDeleted.get(stream) === undefined) statements.setMaxAge.run(stream, maxAgeSeconds);
    }).immediate;
    this.deleteTransaction = db.transaction((stream: string, now: number) => {
      statements.deleteStreamEvents.run(stream);
      statements.dropRetention.run(stream);
      statements.markDeleted.run(stream, now);
    }).immediate;
    this.compactTransaction = db.transaction((now: number) => {
      let removed = 0;
      for (const prefix of statements.expiredPrefixes.all({ now })) {
        statements.removeThrough.run(prefix.stream, prefix.through);
        // Kept even while younger events remain: it costs nothing and is right once they go too.
        statements.recordCompacted.run(prefix.through, prefix.stream);
        removed += Number(prefix.removed);
      }
      return removed;
    }).immediate;
  }

  setMaxAge(stream: string, maxAgeSeconds: number): void {
    this.setMaxAgeTransaction(stream, maxAgeSeconds);
  }

  delete(stream: string, now: number): void {
    this.deleteTransaction(stream, now);
  }

  /** Removes each retained stream's prefix of events older than its max age at `now`; answers how many. */
  compact(now: number): number {
    return this.compactTransaction(now);
  }
}
