import type Database from 'better-sqlite3';
import { formatPosition, parsePosition, type Position } from '#event-store';
import { ProjectionError } from './errors.js';

/**
 * The `projection_checkpoints` table (migration 0001): for each projection, the `$all` position
 * of the last event it has seen (applied or skipped by its filter), as `formatPosition` text.
 *
 * Invariant: a checkpoint is only written inside the transaction that wrote the rows of the
 * events up to it, so rows and checkpoint are always consistent: after a crash the projection
 * resumes after the checkpoint, never applying an event twice nor skipping one.
 */
export class CheckpointStore {
  private readonly selectOne: Database.Statement<[string], { position: string }>;
  private readonly upsert: Database.Statement<[string, string]>;
  private readonly deleteOne: Database.Statement<[string]>;

  constructor(db: Database.Database) {
    try {
      this.selectOne = db.prepare('SELECT position FROM projection_checkpoints WHERE projection = ?');
      this.upsert = db.prepare(
        `INSERT INTO projection_checkpoints (projection, position, updated_at)
         VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
         ON CONFLICT (projection) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
      );
      this.deleteOne = db.prepare('DELETE FROM projection_checkpoints WHERE projection = ?');
    } catch (error) {
      throw new ProjectionError(
        `the read-model database is not migrated (${(error as Error).message}); open it with openReadModelDatabase`,
        { cause: error },
      );
    }
  }

  /** The stored checkpoint, or null if the projection has never committed one. */
  get(projection: string): Position | null {
    const row = this.selectOne.get(projection);
    return row === undefined ? null : parsePosition(row.position);
  }

  /** Call only inside the transaction that wrote the rows up to `position`. */
  save(projection: string, position: Position): void {
    this.upsert.run(projection, formatPosition(position));
  }

  delete(projection: string): void {
    this.deleteOne.run(projection);
  }
}
