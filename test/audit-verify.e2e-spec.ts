import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '#event-store';
import { loadConfig } from '../src/config/load-config.js';
import { verifyDataDirectory } from '../src/audit/seal/verify.cli.js';
import { runCli } from './support/run-cli.js';

// Tamper evidence on a real SQLite data directory: CLI runs seal what they write on shutdown,
// then copies of the directory are corrupted the ways an attacker with the file would.
const dir = mkdtempSync(join(tmpdir(), 'meshid-audit-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const dataDir = join(dir, 'data');
const DAY_MS = 86_400_000;

interface Row {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  created_at: number;
}

const verify = (directory: string, ...flags: string[]) => runCli(['audit', 'verify', ...flags], { MESHID_DATA_DIR: directory });

/** A copy of the data directory with `change` applied to its database file. */
function corrupted(name: string, change: (db: Database.Database) => void): string {
  const copy = join(dir, name);
  cpSync(dataDir, copy, { recursive: true });
  const db = new Database(join(copy, 'meshid.db'));
  try {
    change(db);
  } finally {
    db.close();
  }
  return copy;
}

/** Moves every event at or after `from` one position up, highest first (the key is unique). */
function makeRoom(db: Database.Database, from: number): void {
  const positions = db.prepare('SELECT position FROM events WHERE position >= ? ORDER BY position DESC').pluck().all(from) as number[];
  const move = db.prepare('UPDATE events SET position = position + 1 WHERE position = ?');
  for (const position of positions) move.run(position);
}

async function expectBad(directory: string, firstBad: Record<string, unknown>): Promise<void> {
  const result = await verify(directory, '--json');
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 6, stderr: '' });
  expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, firstBad });
}

let rows: Row[] = [];
/** Events (not seals) of the first seal, which `keys rotate` made with several events. */
let firstSealed: Row[] = [];

beforeAll(async () => {
  const env = { MESHID_DATA_DIR: dataDir };
  expect((await runCli(['keys', 'rotate', '--json'], env)).code).toBe(0);
  expect((await runCli(['clients', 'create', '--name', 'Grafana', '--redirect-uri', 'https://grafana.example.com/cb'], env)).code).toBe(0);
  // Authorization codes written through the port: the next CLI run seals them with its own event.
  const store = new SqliteEventStore({ path: join(dataDir, 'meshid.db') });
  for (const code of ['one', 'two']) await store.append(`authcode-${code}`, [{ type: 'AuthorizationCodeIssued', data: { code } }], 'no_stream');
  await store.close();
  expect((await runCli(['clients', 'create', '--name', 'Wiki', '--redirect-uri', 'https://wiki.example.com/cb'], env)).code).toBe(0);

  const db = new Database(join(dataDir, 'meshid.db'), { readonly: true });
  rows = db.prepare('SELECT * FROM events ORDER BY position').all() as Row[];
  db.close();
  const firstSeal = JSON.parse(rows.find((row) => row.stream === 'log-seals')!.data) as { through: string };
  firstSealed = rows.filter((row) => row.stream !== 'log-seals' && row.position <= Number(firstSeal.through.split('/')[0]));
}, 30000);

describe('meshid audit verify', () => {
  it('accepts the log the CLI runs sealed, printing the head chain to record elsewhere', async () => {
    expect(firstSealed.length).toBeGreaterThanOrEqual(3);
    const [json, text] = await Promise.all([verify(dataDir, '--json'), verify(dataDir)]);
    expect({ code: json.code, stderr: json.stderr }).toEqual({ code: 0, stderr: '' });
    const report = JSON.parse(json.stdout);
    const events = rows.filter((row) => row.stream !== 'log-seals').length;
    expect(report).toEqual({
      ok: true,
      seals: 3,
      sealedEvents: events,
      expired: 0,
      erased: 0,
      unsealedTail: 0,
      head: { sequence: 2, through: expect.any(String), chain: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) },
      firstBad: null,
    });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`ok: 3 seals cover ${events} events`);
    expect(text.stdout).toContain(`head: seal 2 through ${report.head.through}, chain ${report.head.chain}`);
  }, 30000);

  it('names the first bad position of an edited, a deleted, an inserted and a reordered event', async () => {
    const [, second, third] = firstSealed as [Row, Row, Row];
    const at = (row: Row) => ({ position: `${row.position}/${row.position}`, stream: row.stream, revision: String(row.revision) });
    const edited = corrupted('edited', (db) => db.prepare('UPDATE events SET data = ? WHERE position = ?').run('{"kid":"forged"}', second.position));
    const deleted = corrupted('deleted', (db) => db.prepare('DELETE FROM events WHERE position = ?').run(second.position));
    const inserted = corrupted('inserted', (db) => {
      makeRoom(db, second.position);
      db.prepare('INSERT INTO events (position, id, stream, revision, type, data, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
        second.position, 'forged-event', 'client-forged', 0, 'ClientRegistered', '{"client_name":"Evil"}', second.metadata, second.created_at,
      );
    });
    const reordered = corrupted('reordered', (db) => {
      const move = db.prepare('UPDATE events SET position = ? WHERE position = ?');
      move.run(-1, second.position);
      move.run(second.position, third.position);
      move.run(third.position, -1);
    });
    await Promise.all([
      expectBad(edited, { ...at(second), reason: 'edited', seal: 0 }),
      expectBad(deleted, { ...at(third), reason: 'deleted', seal: 0 }),
      expectBad(inserted, { position: `${second.position}/${second.position}`, stream: 'client-forged', revision: '0', reason: 'inserted', seal: 0 }),
      expectBad(reordered, { position: `${second.position}/${second.position}`, stream: third.stream, reason: 'reordered', seal: 0 }),
    ]);
  }, 30000);

  it('names an altered seal, and says so in text too', async () => {
    const seal = rows.filter((row) => row.stream === 'log-seals')[1]!;
    const data = JSON.parse(seal.data) as { entries: string[]; through: string };
    const altered = corrupted('seal-altered', (db) =>
      db.prepare('UPDATE events SET data = ? WHERE position = ?').run(JSON.stringify({ ...data, entries: data.entries.map((entry) => `${entry.slice(0, 15)}A`) }), seal.position),
    );
    const [, text] = await Promise.all([expectBad(altered, { position: data.through, reason: 'seal_altered', seal: 1 }), verify(altered)]);
    expect(text.stdout).toContain(`TAMPERED: first bad position ${data.through}: seal_altered`);
  }, 30000);

  it('accepts authorization codes removed once retention allows, and not before', async () => {
    const expiredCodes = corrupted('retention', (db) => db.prepare("DELETE FROM events WHERE stream LIKE 'authcode-%'").run());
    const firstCode = rows.find((row) => row.stream.startsWith('authcode-'))!;
    await expectBad(expiredCodes, { position: expect.any(String), reason: 'deleted', seal: 2 });
    const { config } = loadConfig({ env: { MESHID_DATA_DIR: expiredCodes }, cwd: dir });
    const later = await verifyDataDirectory(config, firstCode.created_at + 31 * DAY_MS);
    expect(later).toMatchObject({ ok: true, seals: 3, expired: 2, firstBad: null });
  }, 30000);

  it('refuses a directory that holds no meshid data, and bad flags', async () => {
    const [missing, badFlag] = await Promise.all([verify(join(dir, 'nothing')), verify(dataDir, '--no-such-flag')]);
    expect({ code: missing.code, stderr: missing.stderr }).toEqual({ code: 1, stderr: expect.stringMatching(/^meshid: [^]*not a meshid data directory/) });
    expect({ code: badFlag.code, stderr: badFlag.stderr }).toEqual({ code: 1, stderr: expect.stringContaining("unknown option '--no-such-flag'") });
  }, 30000);
});
