import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MigrationError } from './errors.js';
import { applyMigrations, listAppliedMigrations } from './migrations.js';

let dir: string;
let db: Database.Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'meshid-migrations-'));
  db = new Database(':memory:');
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const write = (name: string, sql: string) => writeFileSync(join(dir, name), sql);
const tables = () =>
  (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((t) => t.name);
const errorOf = (run: () => unknown): MigrationError => {
  try {
    run();
  } catch (error) {
    if (error instanceof MigrationError) return error;
    throw error;
  }
  throw new Error('expected a MigrationError');
};

describe('applyMigrations', () => {
  it('applies the files in order, each recorded with the SHA-256 of its bytes, and only once', () => {
    write('0002_add_b.sql', 'CREATE TABLE b (a_id INTEGER REFERENCES a (id));');
    write('0001_create_a.sql', 'CREATE TABLE a (id INTEGER PRIMARY KEY);\n');
    write('README.md', 'not a migration');

    const applied = applyMigrations(db, dir);
    expect(applied.map((m) => [m.version, m.name])).toEqual([
      [1, '0001_create_a.sql'],
      [2, '0002_add_b.sql'],
    ]);
    const sha = createHash('sha256').update('CREATE TABLE a (id INTEGER PRIMARY KEY);\n').digest('hex');
    expect(applied[0]!.checksum).toBe(sha);
    expect(applied[0]!.appliedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(listAppliedMigrations(db)).toEqual(applied);
    expect(tables()).toEqual(['a', 'b', 'schema_migrations']);

    expect(applyMigrations(db, dir)).toEqual([]);
    write('0003_add_c.sql', 'CREATE TABLE c (id INTEGER);');
    expect(applyMigrations(db, dir).map((m) => m.name)).toEqual(['0003_add_c.sql']);
    expect(listAppliedMigrations(db)).toHaveLength(3);
  });

  it('refuses an applied migration that was edited, naming the file and what to do, and applies nothing', () => {
    write('0001_create_a.sql', 'CREATE TABLE a (id INTEGER PRIMARY KEY);');
    applyMigrations(db, dir);
    write('0001_create_a.sql', 'CREATE TABLE a (id INTEGER PRIMARY KEY, extra TEXT);');
    write('0002_add_b.sql', 'CREATE TABLE b (id INTEGER);');

    const error = errorOf(() => applyMigrations(db, dir));
    expect(error.file).toBe(join(dir, '0001_create_a.sql'));
    expect(error.message).toContain(`migration ${join(dir, '0001_create_a.sql')} was edited after it was applied`);
    expect(error.message).toContain('never edit or remove an applied migration');
    expect(error.message).toContain('add a new migration instead');
    expect(tables()).not.toContain('b');
  });

  it('refuses an applied migration that is missing or renamed', () => {
    write('0001_create_a.sql', 'CREATE TABLE a (id INTEGER);');
    applyMigrations(db, dir);
    renameSync(join(dir, '0001_create_a.sql'), join(dir, '0001_create_aa.sql'));
    expect(errorOf(() => applyMigrations(db, dir)).message).toMatch(
      /0001_create_aa\.sql has version 1, which this database recorded as 0001_create_a\.sql; never edit/,
    );
    unlinkSync(join(dir, '0001_create_aa.sql'));
    const error = errorOf(() => applyMigrations(db, dir));
    expect(error.file).toBe(join(dir, '0001_create_a.sql'));
    expect(error.message).toContain('was applied to this database on');
    expect(error.message).toContain(`is missing from ${dir}`);
  });

  it.each([
    [['0001_a.sql', '0003_c.sql'], '0003_c.sql', 'should be numbered 0002'],
    [['0002_b.sql'], '0002_b.sql', 'should be numbered 0001'],
    [['0001_a.sql', '0002_b.sql', '0002_c.sql'], '0002_c.sql', 'has the same number as 0002_b.sql'],
    [['0001_a.sql', '2_b.sql'], '2_b.sql', 'is misnamed: expected NNNN_description.sql'],
    [['0001_a.sql', '0002_Bad Name.sql'], '0002_Bad Name.sql', 'is misnamed'],
  ])('refuses the file set %j, naming %s', (names, culprit, problem) => {
    for (const name of names) write(name, 'SELECT 1;');
    const error = errorOf(() => applyMigrations(db, dir));
    expect(error.file).toBe(join(dir, culprit));
    expect(error.message).toContain(`${join(dir, culprit)} ${problem}`);
    expect(tables()).toEqual([]);
  });

  it('rolls back a failing migration, names the file and the SQL error, and stops there', () => {
    write('0001_create_a.sql', 'CREATE TABLE a (id INTEGER);');
    write('0002_broken.sql', 'CREATE TABLE b (id INTEGER);\nINSERT INTO nowhere VALUES (1);');
    write('0003_add_c.sql', 'CREATE TABLE c (id INTEGER);');

    const error = errorOf(() => applyMigrations(db, dir));
    expect(error.message).toBe(`migration ${join(dir, '0002_broken.sql')} failed and was rolled back: no such table: nowhere`);
    expect(error.file).toBe(join(dir, '0002_broken.sql'));
    expect(tables()).toEqual(['a', 'schema_migrations']);
    expect(listAppliedMigrations(db).map((m) => m.version)).toEqual([1]);

    write('0002_broken.sql', 'CREATE TABLE b (id INTEGER);'); // never applied, so it may still change
    expect(applyMigrations(db, dir).map((m) => m.version)).toEqual([2, 3]);
  });

  it('refuses a directory that cannot be read', () => {
    const missing = join(dir, 'nope');
    const error = errorOf(() => applyMigrations(db, missing));
    expect(error.file).toBe(missing);
    expect(error.message).toContain(`cannot read the migrations directory ${missing}`);
  });

  it('applies each migration once when two connections share one file', () => {
    write('0001_create_a.sql', 'CREATE TABLE a (id INTEGER);');
    const path = join(dir, 'shared.db');
    const first = new Database(path);
    const second = new Database(path);
    try {
      expect(applyMigrations(first, dir)).toHaveLength(1);
      expect(applyMigrations(second, dir)).toEqual([]);
    } finally {
      first.close();
      second.close();
    }
  });
});
