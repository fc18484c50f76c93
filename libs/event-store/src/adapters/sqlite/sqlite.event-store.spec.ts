import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { EventStoreUnavailableError, StreamDeletedError } from '../../errors.js';
import { runEventStoreContract } from '../../testing/event-store.contract.js';
import { raceAppendsInProcesses } from '../../testing/child-appenders.js';
import { collect, SubscriptionProbe } from '../../testing/subscription-probe.js';
import { SqliteEventStore } from './sqlite.event-store.js';

const dir = mkdtempSync(join(tmpdir(), 'meshid-sqlite-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = () => join(dir, `events-${++files}.db`);
const paths = new WeakMap<SqliteEventStore, string>();
const open = (path: string, now?: () => number) => {
  const store = new SqliteEventStore({ path, pollIntervalMs: 20, ...(now ? { now } : {}) });
  paths.set(store, path);
  return store;
};

runEventStoreContract('sqlite', {
  create: async (now) => open(freshPath(), now),
  restart: async (store, now) => {
    const path = paths.get(store as SqliteEventStore)!;
    await store.close();
    return open(path, now);
  },
  maxAgeOf: async (store, stream) => {
    // A second connection reads the table, as an operator inspecting the file would.
    const db = new Database(paths.get(store as SqliteEventStore)!, { readonly: true });
    try {
      const row = db.prepare('SELECT max_age_seconds AS age FROM stream_retention WHERE stream = ?').get(stream) as { age: number } | undefined;
      return row?.age;
    } finally {
      db.close();
    }
  },
  embedded: true,
  seedStreamAt: async (store, stream, revision) => {
    // A second connection writes the row directly, as if the stream had grown that long.
    const db = new Database(paths.get(store as SqliteEventStore)!);
    db.prepare(
      `INSERT INTO events (id, stream, revision, type, data, metadata, created_at) VALUES (?, ?, ?, 'StreamSeeded', '{}', '{"schemaVersion":1}', ?)`,
    ).run(crypto.randomUUID(), stream, revision, Date.now());
    db.close();
  },
});

describe('SqliteEventStore across OS processes', () => {
  it('lets exactly one of several processes racing on one file win the same revision', async () => {
    const path = freshPath();
    const store = open(path);
    await store.append('authcode-race', [{ type: 'AuthorizationCodeIssued', data: {} }], 'no_stream');
    const outcomes = await raceAppendsInProcesses(path, 'authcode-race', '0', ['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    expect(outcomes.filter((o) => o.outcome === 'error')).toEqual([]);
    expect(outcomes.filter((o) => o.outcome === 'won')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'lost')).toHaveLength(5);
    const events = await collect(store.readStream('authcode-race'));
    expect(events.map((e) => e.revision)).toEqual([0n, 1n]);
    await store.close();
  }, 60000);

  it('keeps batches from racing processes whole and in one order when none conflicts', async () => {
    const path = freshPath();
    const store = open(path);
    const outcomes = await raceAppendsInProcesses(path, 'audit-shared', 'any', ['a', 'b', 'c'], 50);
    expect(outcomes.every((o) => o.outcome === 'won')).toBe(true);
    const events = await collect(store.readStream('audit-shared'));
    expect(events).toHaveLength(150);
    expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 150 }, (_, i) => BigInt(i)));
    // Each process's 50 events are contiguous: an append is atomic.
    for (let batch = 0; batch < 3; batch++) {
      const tags = new Set(events.slice(batch * 50, batch * 50 + 50).map((e) => (e.data as { tag: string }).tag));
      expect(tags.size).toBe(1);
    }
    await store.close();
  }, 60000);

  it('delivers to a subscriber the events another process appends', async () => {
    const path = freshPath();
    const store = open(path);
    const probe = new SubscriptionProbe(store, { filter: { streamNamePrefixes: ['client-'] } });
    try {
      await probe.until('catch-up', (p) => p.caughtUp);
      const [outcome] = await raceAppendsInProcesses(path, 'client-from-elsewhere', 'no_stream', ['other'], 3);
      expect(outcome!.outcome).toBe('won');
      await probe.until('three events from the other process', (p) => p.events.length === 3, 5000);
      expect(probe.events.map((e) => e.stream)).toEqual(Array(3).fill('client-from-elsewhere'));
    } finally {
      await probe.stop();
      await store.close();
    }
  }, 60000);
});

describe('SqliteEventStore on disk', () => {
  it('keeps what was appended across a reopen', async () => {
    const path = freshPath();
    const first = open(path);
    await first.append('client-durable', [{ type: 'ClientRegistered', data: { name: 'grafana' } }], 'no_stream');
    await first.close();
    const second = open(path);
    const [event] = await collect(second.readStream('client-durable'));
    expect(event!.data).toEqual({ name: 'grafana' });
    await second.close();
  });

  it('reports a database it cannot open as unavailable, naming the path', () => {
    // A path below a regular file cannot be created by anyone, root included.
    const blocker = freshPath();
    writeFileSync(blocker, 'not a directory');
    const path = join(blocker, 'events.db');
    expect(() => new SqliteEventStore({ path })).toThrow(EventStoreUnavailableError);
    expect(() => new SqliteEventStore({ path })).toThrow(path);
  });

  it('refuses to be used after close', async () => {
    const store = open(freshPath());
    await store.close();
    await expect(store.append('client-x', [{ type: 'ClientRegistered', data: {} }], 'any')).rejects.toBeInstanceOf(
      EventStoreUnavailableError,
    );
  });
});


/** The log's schema as version 1 created it, kept verbatim to test the upgrade from it. */
const VERSION_1_SCHEMA = `
  CREATE TABLE event_store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
  CREATE TABLE events (
    position   INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT    NOT NULL UNIQUE,
    stream     TEXT    NOT NULL,
    revision   INTEGER NOT NULL,
    type       TEXT    NOT NULL,
    data       TEXT    NOT NULL,
    metadata   TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (stream, revision)
  ) STRICT;
  INSERT INTO event_store_meta (key, value) VALUES ('schema_version', '1');`;

describe('SqliteEventStore schema versions', () => {
  const versionOf = (path: string) => {
    const db = new Database(path, { readonly: true });
    try {
      return (db.prepare(`SELECT value FROM event_store_meta WHERE key = 'schema_version'`).get() as { value: string }).value;
    } finally {
      db.close();
    }
  };

  it('upgrades a version-1 file in place: its events stay, retention and erasure work', async () => {
    const path = freshPath();
    const old = new Database(path);
    old.exec(VERSION_1_SCHEMA);
    const insert = old.prepare(
      `INSERT INTO events (id, stream, revision, type, data, metadata, created_at) VALUES (?, ?, ?, ?, '{}', '{"schemaVersion":1}', ?)`,
    );
    const longAgo = Date.now() - 90 * 86_400_000;
    insert.run(crypto.randomUUID(), 'authcode-old', 0, 'AuthorizationCodeIssued', longAgo);
    insert.run(crypto.randomUUID(), 'authcode-old', 1, 'AuthorizationCodeRedeemed', longAgo);
    insert.run(crypto.randomUUID(), 'client-c1', 0, 'ClientRegistered', longAgo);
    old.close();

    const store = open(path);
    expect(versionOf(path)).toBe('2');
    expect((await collect(store.readAll())).map((e) => e.stream)).toEqual(['authcode-old', 'authcode-old', 'client-c1']);
    await store.setStreamMaxAge('authcode-old', 30 * 86_400);
    expect(await store.compact()).toEqual({ removed: 2 });
    await store.deleteStream('client-c1');
    await store.close();

    // Reopening a version-2 file changes nothing, and what the upgrade enabled persisted.
    const reopened = open(path);
    expect(versionOf(path)).toBe('2');
    expect(await collect(reopened.readAll())).toEqual([]);
    await expect(reopened.append('client-c1', [{ type: 'ClientRegistered', data: {} }], 'any')).rejects.toBeInstanceOf(StreamDeletedError);
    expect((await reopened.append('authcode-old', [{ type: 'AuthorizationCodeReuseDetected', data: {} }], 1n)).nextExpectedRevision).toBe(2n);
    await reopened.close();
  });

  it('refuses a file from a newer meshid, naming both versions', () => {
    const path = freshPath();
    const newer = new Database(path);
    newer.exec(VERSION_1_SCHEMA.replace("'1')", "'3')"));
    newer.close();
    expect(() => open(path)).toThrow(EventStoreUnavailableError);
    expect(() => open(path)).toThrow(/schema version 3; this meshid reads version 2/);
  });
});
