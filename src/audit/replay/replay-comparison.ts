import Database from 'better-sqlite3';
import { type EventStore, formatPosition, parsePosition, type Position } from '#event-store';
import type { Projection } from '#projections';
import { replayLog } from './replay-engine.js';
import { withScratchReadModels } from './scratch-database.js';
import { DEFAULT_SAMPLE_LIMIT, diffTable, type TableDiff } from './table-diff.js';

/** One projection's rebuilt tables against its live ones, both at its live checkpoint. */
export interface ProjectionComparison {
  name: string;
  /** The live checkpoint replayed to, `commit/prepare`; null when it has none (compared with empty tables). */
  position: string | null;
  applied: number;
  equal: boolean;
  /**
   * It has a `react`: its tables also hold what its reactions wrote (an outbox they cleared, counts
   * they kept), which a replay never runs, so its differences are shown but do not decide the
   * verdict (`replayVerdict`).
   */
  reactor: boolean;
  tables: TableDiff[];
}

/**
 * Whether the log accounts for the live read models: every projection equal, except reactors,
 * whose reaction state a replay cannot rebuild (see `ProjectionComparison.reactor`).
 */
export function replayVerdict(results: readonly ProjectionComparison[]): boolean {
  return results.every((result) => result.equal || result.reactor);
}

export interface CompareOptions {
  sampleLimit?: number;
  commitEvery?: number;
}

/**
 * Rebuilds `projections` from the log and compares every table they own with the live read
 * models in the file at `liveDatabasePath`.
 *
 * Consistency while a server keeps appending and projecting: the live file is read through a
 * separate read-only connection inside one read transaction, opened by reading the checkpoints,
 * which pins a WAL snapshot. Each projection is replayed to exactly its checkpoint in that
 * snapshot, and its tables are read in that same snapshot, so rows and checkpoint belong together
 * (the runner commits them in one transaction) whatever the live side does meanwhile. Holding the
 * snapshot keeps the live WAL from being checkpointed past it until the comparison ends.
 */
export async function compareWithLive(
  store: EventStore,
  projections: readonly Projection[],
  liveDatabasePath: string,
  options: CompareOptions = {},
): Promise<ProjectionComparison[]> {
  const live = new Database(liveDatabasePath, { readonly: true, fileMustExist: true });
  try {
    live.exec('BEGIN');
    try {
      const checkpoints = liveCheckpoints(live);
      const targets = projections.map((projection) => ({ projection, until: checkpoints.get(projection.name) ?? null }));
      return await withScratchReadModels(async (scratch) => {
        const outcomes = await replayLog(store, scratch.db, targets, options.commitEvery === undefined ? {} : { commitEvery: options.commitEvery });
        return projections.map((projection, index): ProjectionComparison => {
          const until = targets[index]!.until;
          const tables = projection.tables.map((table) => diffTable(live, scratch.db, table, options.sampleLimit ?? DEFAULT_SAMPLE_LIMIT));
          return {
            name: projection.name,
            position: until === null ? null : formatPosition(until),
            applied: outcomes[index]!.applied,
            equal: tables.every((table) => table.equal),
            reactor: projection.react !== undefined,
            tables,
          };
        });
      });
    } finally {
      if (live.inTransaction) live.exec('COMMIT');
    }
  } finally {
    live.close();
  }
}

/** The live checkpoints; the first read of the transaction, so it is what pins the snapshot. */
function liveCheckpoints(live: Database.Database): Map<string, Position> {
  const rows = live.prepare('SELECT projection, position FROM projection_checkpoints').all() as Array<{ projection: string; position: string }>;
  return new Map(rows.map((row) => [row.projection, parsePosition(row.position)]));
}
