import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SqliteEventStore } from '#event-store';
import { MigrationError } from './errors.js';
import { readMigrationFiles } from './migration-files.js';
import { ProjectionRunner } from './projection-runner.js';
import { defaultMigrationsDir, openReadModelDatabase, prepareReadModelDatabase } from './read-model-database.js';
import { RecordingProjection } from './testing/recording-projection.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'meshid-read-models-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const migrationsDir = defaultMigrationsDir();
const migrationCount = readMigrationFiles(migrationsDir).length;

describe('openReadModelDatabase', () => {
  it('finds the repository migrations directory', () => {
    expect(migrationsDir).toBe(resolve(import.meta.dirname, '../../../migrations'));
  });

  it('opens a file in WAL mode with the connection pragmas and a current schema', () => {
    const path = join(dir, 'read-models.db');
    const first = openReadModelDatabase(path, { migrationsDir });
    try {
      expect(first.migrationsApplied[0]!.name).toBe('0001_projection_checkpoints.sql');
      expect(first.migrationsApplied).toHaveLength(migrationCount);
      expect(first.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(first.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
      expect(first.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(first.db.pragma('busy_timeout', { simple: true })).toBe(5000);
      const columns = first.db.prepare(`SELECT name, "notnull", pk FROM pragma_table_info('projection_checkpoints')`).all();
      expect(columns).toEqual([
        { name: 'projection', notnull: 0, pk: 1 },
        { name: 'position', notnull: 1, pk: 0 },
        { name: 'updated_at', notnull: 1, pk: 0 },
      ]);
    } finally {
      first.close();
    }
    const again = openReadModelDatabase(path, { migrationsDir, busyTimeoutMs: 250 });
    expect(again.migrationsApplied).toEqual([]);
    expect(again.db.pragma('busy_timeout', { simple: true })).toBe(250);
    again.close();
  });

  it('works in memory', () => {
    const readModel = openReadModelDatabase(':memory:', { migrationsDir });
    expect(readModel.migrationsApplied).toHaveLength(migrationCount);
    readModel.close();
    expect(readModel.db.open).toBe(false);
  });

  it('throws the MigrationError of a bad migration', () => {
    const bad = join(dir, 'migrations');
    mkdirSync(bad);
    writeFileSync(join(bad, '0001_bad.sql'), 'CREATE TABLE;');
    expect(() => openReadModelDatabase(join(dir, 'bad.db'), { migrationsDir: bad })).toThrow(MigrationError);
    // The connection was closed: the file can be removed and reopened cleanly.
    rmSync(join(dir, 'bad.db'));
    openReadModelDatabase(join(dir, 'bad.db'), { migrationsDir }).close();
  });
});

describe('a read-model database in the embedded event store file', () => {
  const feed = async (store: SqliteEventStore, db: ReturnType<typeof openReadModelDatabase>['db']) => {
    const items = new RecordingProjection('items').createTable(db);
    const runner = new ProjectionRunner(store, db, [items]);
    await store.append('item-1', [{ type: 'ItemAdded', data: { n: 1 } }], 'no_stream');
    await runner.start();
    const { position } = await store.append('item-1', [{ type: 'ItemAdded', data: { n: 2 } }], 0n);
    await runner.waitFor(position, 2000);
    await runner.stop();
    return items.rows(db).map((row) => row.n);
  };

  it('works through its own connection to the file', async () => {
    const path = join(dir, 'meshid.db');
    const store = new SqliteEventStore({ path });
    const readModel = openReadModelDatabase(path, { migrationsDir });
    try {
      expect(await feed(store, readModel.db)).toEqual([1, 2]);
    } finally {
      readModel.close();
      await store.close();
    }
  });

  it('works through the store connection itself', async () => {
    const store = new SqliteEventStore({ path: join(dir, 'meshid.db') });
    try {
      expect(prepareReadModelDatabase(store.database, { migrationsDir })).toHaveLength(migrationCount);
      expect(await feed(store, store.database)).toEqual([1, 2]);
    } finally {
      await store.close();
    }
  });
});
