import type Database from 'better-sqlite3';
import { join } from 'node:path';
import { MigrationError } from './errors.js';
import { type MigrationFile, readMigrationFiles } from './migration-files.js';

/** A row of `schema_migrations`: a migration applied to this database. */
export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
  /** ISO 8601, UTC. */
  appliedAt: string;
}

interface MigrationRow {
  version: number;
  name: string;
  checksum: string;
  applied_at: string;
}

const NEVER_EDIT = 'never edit or remove an applied migration: restore the original file and add a new migration instead';

/**
 * Brings the read-model schema of `db` up to the files in `dir` and returns the migrations applied
 * this time (empty when it was already current).
 *
 * Invariants:
 * - every applied migration is still in `dir`, byte for byte (its SHA-256 is recorded), else
 *   nothing runs and a `MigrationError` names the file;
 * - each pending migration runs in its own `BEGIN IMMEDIATE` transaction together with the insert
 *   of its `schema_migrations` row, so it is either applied and recorded or neither; a failure
 *   rolls back and names the file and the SQL error, and the migrations after it are not tried;
 * - taking the write lock before checking the history makes two processes starting on one file
 *   apply each migration once: the second finds it recorded and checks its checksum instead.
 */
export function applyMigrations(db: Database.Database, dir: string): AppliedMigration[] {
  const files = readMigrationFiles(dir);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    checksum   TEXT    NOT NULL,
    applied_at TEXT    NOT NULL
  )`);
  const select = db.prepare<[], MigrationRow>('SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version');
  const selectOne = db.prepare<[number], MigrationRow>('SELECT version, name, checksum, applied_at FROM schema_migrations WHERE version = ?');
  const insert = db.prepare<[number, string, string, string]>(
    'INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)',
  );

  verifyHistory(select.all(), files, dir);

  const applied: AppliedMigration[] = [];
  const applyOne = db.transaction((file: MigrationFile): AppliedMigration | null => {
    const row = selectOne.get(file.version);
    if (row !== undefined) {
      verifyHistory([row], files, dir);
      return null;
    }
    db.exec(file.sql);
    const appliedAt = new Date().toISOString();
    insert.run(file.version, file.name, file.checksum, appliedAt);
    return { version: file.version, name: file.name, checksum: file.checksum, appliedAt };
  }).immediate;

  const recorded = new Set(select.all().map((row) => row.version));
  for (const file of files) {
    if (recorded.has(file.version)) continue;
    let result: AppliedMigration | null;
    try {
      result = applyOne(file);
    } catch (error) {
      if (error instanceof MigrationError) throw error;
      throw new MigrationError(
        `migration ${file.path} failed and was rolled back: ${(error as Error).message ?? String(error)}`,
        file.path,
        { cause: error },
      );
    }
    if (result !== null) applied.push(result);
  }
  return applied;
}

/** The applied migrations recorded in `db`, oldest first; empty if none ever ran. */
export function listAppliedMigrations(db: Database.Database): AppliedMigration[] {
  const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).get();
  if (table === undefined) return [];
  return db
    .prepare<[], MigrationRow>('SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version')
    .all()
    .map((row) => ({ version: row.version, name: row.name, checksum: row.checksum, appliedAt: row.applied_at }));
}

/** Refuses a history that the files no longer reproduce: a migration edited, renamed or removed. */
function verifyHistory(rows: readonly MigrationRow[], files: readonly MigrationFile[], dir: string): void {
  for (const row of rows) {
    const file = files[row.version - 1];
    if (file === undefined) {
      const path = join(dir, row.name);
      throw new MigrationError(
        `migration ${path} (version ${row.version}) was applied to this database on ${row.applied_at} but is missing from ${dir}; ${NEVER_EDIT}`,
        path,
      );
    }
    if (file.name !== row.name) {
      throw new MigrationError(
        `migration ${file.path} has version ${row.version}, which this database recorded as ${row.name}; ${NEVER_EDIT}`,
        file.path,
      );
    }
    if (file.checksum !== row.checksum) {
      throw new MigrationError(
        `migration ${file.path} was edited after it was applied to this database on ${row.applied_at} ` +
          `(sha256 was ${row.checksum}, is now ${file.checksum}); ${NEVER_EDIT}`,
        file.path,
      );
    }
  }
}
