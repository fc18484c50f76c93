import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MigrationError } from './errors.js';
import { type AppliedMigration, applyMigrations } from './migrations.js';

export interface ReadModelDatabaseOptions {
  /** The directory of numbered SQL files; `defaultMigrationsDir()` is the repository's `/migrations`. */
  migrationsDir: string;
  /** How long a write waits for another connection's lock before failing. Default 5000 ms. */
  busyTimeoutMs?: number;
}

/** An open read-model database whose schema is current. */
export interface ReadModelDatabase {
  /** The connection projections write through and queries read from. */
  readonly db: Database.Database;
  /** The migrations this open applied (empty when the schema was already current). */
  readonly migrationsApplied: readonly AppliedMigration[];
  close(): void;
}

/**
 * Opens the read-model database at `path` (a file, or `:memory:` for tests) and applies pending
 * migrations. It may be the embedded event store's own file: WAL lets the store's connection and
 * this one read concurrently, and `busy_timeout` queues their writes. The caller creates the
 * data directory. On a migration error the connection is closed and the `MigrationError` thrown.
 */
export function openReadModelDatabase(path: string, options: ReadModelDatabaseOptions): ReadModelDatabase {
  const db = new Database(path);
  try {
    const migrationsApplied = prepareReadModelDatabase(db, options);
    return { db, migrationsApplied, close: () => db.close() };
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Sets the connection pragmas on an already open connection (for instance the SQLite event
 * store's, to share one connection) and applies pending migrations; returns those applied.
 * - `journal_mode=WAL`: readers never block the writer (ignored by `:memory:`);
 * - `synchronous=NORMAL`: a commit survives a crash of the process; read models can always be
 *   rebuilt from the log, so losing the last commits on power failure costs only a replay;
 * - `foreign_keys=ON`: read-model tables may rely on their references.
 */
export function prepareReadModelDatabase(db: Database.Database, options: ReadModelDatabaseOptions): AppliedMigration[] {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
  return applyMigrations(db, options.migrationsDir);
}

/**
 * The `migrations` directory beside the nearest `package.json` above this module: the repository's
 * `/migrations` whether this runs from `libs/` (sources) or `dist/libs/` (build).
 */
export function defaultMigrationsDir(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'migrations');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new MigrationError(`no migrations directory found beside a package.json above ${start}`, start);
}
