import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { compareValues, diffTable, formatRowKey } from './table-diff.js';

const SCHEMA = `
  CREATE TABLE clients (client_id TEXT PRIMARY KEY, client_name TEXT NOT NULL, revision INTEGER NOT NULL) STRICT;
  CREATE TABLE pairs (a TEXT NOT NULL, b INTEGER NOT NULL, note TEXT, PRIMARY KEY (b, a)) STRICT;
  CREATE TABLE loose (x TEXT, y INTEGER);`;

describe('diffTable', () => {
  let live: Database.Database;
  let rebuilt: Database.Database;

  beforeEach(() => {
    live = new Database(':memory:');
    rebuilt = new Database(':memory:');
    for (const db of [live, rebuilt]) {
      db.exec(SCHEMA);
      const insert = db.prepare('INSERT INTO clients VALUES (?, ?, ?)');
      for (const [id, name, revision] of [['a', 'Alpha', 0], ['b', 'Beta', 2], ['c', 'Gamma', 1]] as const) insert.run(id, name, revision);
    }
  });

  afterEach(() => {
    live.close();
    rebuilt.close();
  });

  it('finds equal tables equal', () => {
    expect(diffTable(live, rebuilt, 'clients')).toEqual({
      table: 'clients',
      keyColumns: ['client_id'],
      equal: true,
      onlyLive: 0,
      onlyRebuilt: 0,
      differing: 0,
      differingColumns: [],
      samples: [],
    });
  });

  it('names rows only the live side has, and rows only the rebuilt side has', () => {
    live.prepare("INSERT INTO clients VALUES ('d', 'Delta', 0)").run();
    rebuilt.prepare("DELETE FROM clients WHERE client_id = 'a'").run();
    const diff = diffTable(live, rebuilt, 'clients');
    expect(diff).toMatchObject({ equal: false, onlyLive: 2, onlyRebuilt: 0, differing: 0 });
    expect(diff.samples).toEqual([
      { kind: 'only_live', key: { client_id: 'a' } },
      { kind: 'only_live', key: { client_id: 'd' } },
    ]);
    live.prepare("DELETE FROM clients WHERE client_id IN ('a', 'd', 'b')").run();
    expect(diffTable(live, rebuilt, 'clients')).toMatchObject({ onlyLive: 0, onlyRebuilt: 1, samples: [{ kind: 'only_rebuilt', key: { client_id: 'b' } }] });
  });

  it('names the differing columns of each differing row', () => {
    live.prepare("UPDATE clients SET client_name = 'x' WHERE client_id = 'b'").run();
    live.prepare("UPDATE clients SET client_name = 'y', revision = 9 WHERE client_id = 'c'").run();
    const diff = diffTable(live, rebuilt, 'clients');
    expect(diff).toMatchObject({ equal: false, onlyLive: 0, onlyRebuilt: 0, differing: 2, differingColumns: ['client_name', 'revision'] });
    expect(diff.samples).toEqual([
      { kind: 'differing', key: { client_id: 'b' }, columns: ['client_name'] },
      { kind: 'differing', key: { client_id: 'c' }, columns: ['client_name', 'revision'] },
    ]);
  });

  it('walks a composite key in key order and keeps only the first samples', () => {
    const insert = live.prepare('INSERT INTO pairs VALUES (?, ?, NULL)');
    for (let b = 30; b > 0; b -= 1) insert.run(`k${b % 3}`, b);
    rebuilt.prepare("INSERT INTO pairs VALUES ('k1', 1, NULL)").run();
    const diff = diffTable(live, rebuilt, 'pairs', 5);
    expect(diff.keyColumns).toEqual(['b', 'a']);
    expect(diff).toMatchObject({ onlyLive: 29, onlyRebuilt: 0, differing: 0 });
    expect(diff.samples.map((sample) => sample.key)).toEqual([2, 3, 4, 5, 6].map((b) => ({ b, a: `k${b % 3}` })));
  });

  it('keys a table without a primary key by all its columns, NULLs included', () => {
    live.exec("INSERT INTO loose VALUES (NULL, 1), ('a', NULL), ('a', 2)");
    rebuilt.exec("INSERT INTO loose VALUES ('a', 2), (NULL, 1)");
    const diff = diffTable(live, rebuilt, 'loose');
    expect(diff.keyColumns).toEqual(['x', 'y']);
    expect(diff).toMatchObject({ onlyLive: 1, onlyRebuilt: 0, samples: [{ kind: 'only_live', key: { x: 'a', y: null } }] });
  });

  it('reports different columns instead of comparing rows', () => {
    rebuilt.exec('ALTER TABLE clients ADD COLUMN extra TEXT');
    const diff = diffTable(live, rebuilt, 'clients');
    expect(diff.equal).toBe(false);
    expect(diff.schemaDifference).toMatch(/live columns \(client_id, client_name, revision\) differ from rebuilt columns/);
  });

  it('refuses a table missing on one side', () => {
    expect(() => diffTable(live, rebuilt, 'absent')).toThrow('table absent does not exist in the live read-model database');
  });
});

describe('compareValues', () => {
  it("orders as SQLite's BINARY collation does", () => {
    const values: unknown[] = [Buffer.from([1]), 'b', '\u{1F600}', '\uFF5E', 2n, 1.5, null, 'a'];
    // U+FF5E sorts after an emoji in UTF-16 but before it in UTF-8, as SQLite sorts.
    expect([...values].sort(compareValues)).toEqual([null, 1.5, 2n, 'a', 'b', '\uFF5E', '\u{1F600}', Buffer.from([1])]);
  });

  it('formats a key for the text report', () => {
    expect(formatRowKey({ client_id: 'abc', revision: 3, note: null })).toBe('client_id=abc, revision=3, note=NULL');
  });
});
