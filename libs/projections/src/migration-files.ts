import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MigrationError } from './errors.js';

/** One `NNNN_description.sql` file of the migrations directory. */
export interface MigrationFile {
  /** The number the file name starts with: 1 for `0001_projection_checkpoints.sql`. */
  version: number;
  /** The file name, as recorded in `schema_migrations.name`. */
  name: string;
  path: string;
  /** SHA-256 of the file's bytes, hex. Any edit, even of whitespace, changes it. */
  checksum: string;
  sql: string;
}

const MIGRATION_NAME = /^(\d{4})_([a-z0-9][a-z0-9_-]*)\.sql$/;

/**
 * Reads the migration files of `dir`, in order. Invariant: the versions are exactly 1, 2, ... n
 * (no gap, no duplicate), so "every file up to n" and "version n applied" mean the same thing.
 * A `.sql` file that does not follow the naming rule is refused rather than silently skipped;
 * other files (a README) are ignored.
 */
export function readMigrationFiles(dir: string): MigrationFile[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (error) {
    throw new MigrationError(`cannot read the migrations directory ${dir}: ${(error as Error).message}`, dir, {
      cause: error,
    });
  }
  const files: MigrationFile[] = [];
  for (const name of entries.filter((entry) => entry.endsWith('.sql')).sort()) {
    const path = join(dir, name);
    const match = MIGRATION_NAME.exec(name);
    if (!match) {
      throw new MigrationError(
        `migration file ${path} is misnamed: expected NNNN_description.sql (4 digits, then lower-case letters, digits, "_" or "-")`,
        path,
      );
    }
    const version = Number(match[1]);
    const expected = files.length + 1;
    if (version !== expected) {
      const previous = files[files.length - 1];
      const problem =
        previous && version === previous.version
          ? `has the same number as ${previous.name}`
          : `should be numbered ${String(expected).padStart(4, '0')} (numbers start at 0001 and have no gaps)`;
      throw new MigrationError(`migration file ${path} ${problem}`, path);
    }
    const bytes = readFileSync(path);
    const checksum = createHash('sha256').update(bytes).digest('hex');
    files.push({ version, name, path, checksum, sql: bytes.toString('utf8') });
  }
  return files;
}
