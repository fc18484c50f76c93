import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultMigrationsDir, openReadModelDatabase, type ReadModelDatabase } from '#projections';

/**
 * Opens a read-model database at `path` with the repository's migrations, tuned for being written
 * once by a replay: no fsync (`synchronous=OFF`: a crash loses a file the replay would rebuild
 * anyway) and a rollback journal in memory instead of WAL (one writer, no concurrent readers).
 */
export function openScratchReadModels(path: string): ReadModelDatabase {
  const readModels = openReadModelDatabase(path, { migrationsDir: defaultMigrationsDir() });
  try {
    readModels.db.pragma('journal_mode = MEMORY');
    readModels.db.pragma('synchronous = OFF');
    readModels.db.pragma('temp_store = MEMORY');
    readModels.db.pragma('cache_size = -65536');
  } catch (error) {
    readModels.close();
    throw error;
  }
  return readModels;
}

/**
 * Runs `work` with a scratch read-model database in a fresh temporary directory, removed with
 * everything in it afterwards. A file rather than `:memory:`: a large log's read models need not
 * fit in memory.
 */
export async function withScratchReadModels<T>(work: (readModels: ReadModelDatabase) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'meshid-replay-'));
  try {
    const readModels = openScratchReadModels(join(dir, 'read-models.db'));
    try {
      return await work(readModels);
    } finally {
      readModels.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
