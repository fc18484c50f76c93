import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { type EventStore, formatPosition, MemoryEventStore, type Position, type RecordedEvent, type SubscribeAllOptions } from '#event-store';
import { CheckpointStore } from './checkpoint-store.js';
import { ProjectionRunner } from './projection-runner.js';
import { defaultMigrationsDir, openReadModelDatabase } from './read-model-database.js';
import type { Projection } from './projection.js';
import { RecordingProjection } from './testing/recording-projection.js';

// What sharing one `$all` subscription among projections must keep: each projection's own
// checkpoint, filter and failure, as if it had a subscription of its own.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A memory store that records the options of every subscription opened on it. */
function countingStore(): { store: EventStore; subscriptions: SubscribeAllOptions[] } {
  const inner = new MemoryEventStore();
  cleanups.push(() => inner.close());
  const subscriptions: SubscribeAllOptions[] = [];
  const store = Object.create(inner) as EventStore;
  store.subscribeAll = (options: SubscribeAllOptions = {}) => {
    subscriptions.push(options);
    return inner.subscribeAll(options);
  };
  return { store, subscriptions };
}

function database(): Database.Database {
  const readModel = openReadModelDatabase(':memory:', { migrationsDir: defaultMigrationsDir() });
  cleanups.push(() => readModel.close());
  return readModel.db;
}

/** Two connections to one read-model file, as two servers on one data directory have. */
function twoProcessesDatabase(): [Database.Database, Database.Database] {
  const dir = mkdtempSync(join(tmpdir(), 'meshid-shared-read-models-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const open = () => {
    const readModel = openReadModelDatabase(join(dir, 'read-models.db'), { migrationsDir: defaultMigrationsDir() });
    cleanups.push(() => readModel.close());
    return readModel.db;
  };
  return [open(), open()];
}

function runnerOf(store: EventStore, db: Database.Database, projections: Projection[]): ProjectionRunner {
  const runner = new ProjectionRunner(store, db, projections);
  cleanups.push(() => runner.stop());
  return runner;
}

async function append(store: EventStore, stream: string, count: number): Promise<Position> {
  const events = Array.from({ length: count }, (_, n) => ({ type: 'ItemAdded', data: { n } }));
  return (await store.append(stream, events, 'any')).position;
}

describe('projections sharing one subscription (LogFollower)', () => {
  it('feeds every projection started together from one subscription, each event applied once per projection', async () => {
    const { store, subscriptions } = countingStore();
    const db = database();
    const projections = ['a', 'b', 'c'].map((name) => new RecordingProjection(name).createTable(db));
    await append(store, 'item-1', 5);
    const runner = runnerOf(store, db, projections);
    await runner.start();
    const head = await append(store, 'item-2', 3);
    await runner.waitFor(head, 2000);
    expect(subscriptions).toHaveLength(1);
    for (const projection of projections) {
      expect(projection.applied).toBe(8);
      expect(projection.rows(db)).toHaveLength(8);
      expect(new CheckpointStore(db).get(projection.name)).toEqual(head);
    }
  });

  it('starts after the lowest checkpoint and lets each projection skip what it had committed', async () => {
    const { store, subscriptions } = countingStore();
    const db = database();
    const ahead = new RecordingProjection('ahead').createTable(db);
    await append(store, 'item-1', 4);
    const first = runnerOf(store, db, [ahead]);
    await first.start();
    await first.stop();
    const appliedBefore = ahead.applied;
    await append(store, 'item-1', 2);

    const behind = new RecordingProjection('behind').createTable(db);
    const aheadAgain = Object.assign(new RecordingProjection('ahead'), { applied: 0 });
    const runner = runnerOf(store, db, [aheadAgain, behind]);
    await runner.start();
    expect(appliedBefore).toBe(4);
    expect(aheadAgain.applied).toBe(2);
    expect(behind.applied).toBe(6);
    expect(aheadAgain.rows(db).map((row) => row.n)).toEqual([0, 1, 2, 3, 0, 1]);
    expect(subscriptions.at(-1)!.fromPosition).toBe('start');
  });

  it('asks the store for the union of the filters when they filter alike, and each applies only its own', async () => {
    const { store, subscriptions } = countingStore();
    const db = database();
    const clients = new RecordingProjection('clients', { streamNamePrefixes: ['client-'] }).createTable(db);
    const grants = new RecordingProjection('grants', { streamNamePrefixes: ['grant-'] }).createTable(db);
    await append(store, 'client-1', 2);
    await append(store, 'grant-1', 3);
    await append(store, 'other-1', 4);
    await runnerOf(store, db, [clients, grants]).start();
    expect(subscriptions[0]!.filter).toEqual({ streamNamePrefixes: ['client-', 'grant-'] });
    expect(clients.rows(db).map((row) => row.stream)).toEqual(['client-1', 'client-1']);
    expect(grants.rows(db).map((row) => row.stream)).toEqual(['grant-1', 'grant-1', 'grant-1']);

    const byType = new RecordingProjection('by_type', { eventTypePrefixes: ['Item'] }).createTable(db);
    const unfiltered = new RecordingProjection('unfiltered').createTable(db);
    await runnerOf(store, db, [byType, unfiltered, new RecordingProjection('more_clients', { streamNamePrefixes: ['client-'] }).createTable(db)]).start();
    expect(subscriptions[1]!.filter).toBeUndefined();
    expect(byType.applied).toBe(9);
    expect(unfiltered.applied).toBe(9);
  });

  it('retries a failed projection on a subscription of its own, leaving the others where they are', async () => {
    const { store, subscriptions } = countingStore();
    const db = database();
    const steady = new RecordingProjection('steady').createTable(db);
    const fragile = new RecordingProjection('fragile').createTable(db);
    fragile.failWhen = (event) => event.data['n'] === 2;
    const runner = runnerOf(store, db, [steady, fragile]);
    await runner.start();
    const head = await append(store, 'item-1', 5);
    await runner.waitFor(head, 2000, ['steady']);
    while (runner.readiness().failed.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(fragile.rows(db).map((row) => row.n)).toEqual([0, 1]);

    fragile.failWhen = null;
    await runner.start();
    expect(subscriptions).toHaveLength(2);
    expect(fragile.rows(db).map((row) => row.n)).toEqual([0, 1, 2, 3, 4]);
    expect(steady.applied).toBe(5);
    expect(runner.readiness()).toEqual({ ready: true, catchingUp: [], failed: [] });
  });

  it('stops every projection as interrupted, with nothing of the batch committed, when the transaction itself is lost', async () => {
    const { store } = countingStore();
    const db = database();
    const steady = new RecordingProjection('steady').createTable(db);
    const saboteur = new RecordingProjection('saboteur').createTable(db);
    const committed = await append(store, 'item-1', 2);
    const runner = runnerOf(store, db, [steady, saboteur]);
    await runner.start();
    // What SQLite does on a full disk or an I/O error: it rolls the whole transaction back.
    saboteur.failWhen = () => {
      db.exec('ROLLBACK');
      return true;
    };
    await append(store, 'item-1', 3);
    while (runner.readiness().failed.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    for (const { error } of runner.status()) expect(error).toContain('the read-model transaction failed');
    expect(runner.status().every((status) => !status.running)).toBe(true);
    expect(steady.rows(db)).toHaveLength(2);
    expect(new CheckpointStore(db).get('steady')).toEqual(committed);
    await expect(runner.waitFor(committed, 10)).resolves.toBeUndefined();
  });

  it('rebuilds one projection while the others keep following the log', async () => {
    const { store } = countingStore();
    const db = database();
    const kept = new RecordingProjection('kept').createTable(db);
    const rebuilt = new RecordingProjection('rebuilt').createTable(db);
    const runner = runnerOf(store, db, [kept, rebuilt]);
    await append(store, 'item-1', 3);
    await runner.start();
    await runner.rebuild('rebuilt');
    const head = await append(store, 'item-1', 2);
    await runner.waitFor(head, 2000);
    expect(kept.applied).toBe(5);
    expect(rebuilt.rows(db).map((row) => row.n)).toEqual([0, 1, 2, 0, 1]);
    expect(runner.status().every((status) => status.running && status.caughtUp)).toBe(true);
  });

  it('gives the event loop a turn between catch-up batches, so a server can answer while read models catch up', async () => {
    const { store } = countingStore();
    const db = database();
    const projection = new RecordingProjection('slow_start').createTable(db);
    for (let i = 0; i < 20; i++) await append(store, `item-${i}`, 100);
    const runner = new ProjectionRunner(store, db, [projection], { batchSize: 50 });
    cleanups.push(() => runner.stop());
    const caughtUp = runner.start();
    const seenWhileCatchingUp: number[] = [];
    await new Promise<void>((resolve) => setImmediate(() => (seenWhileCatchingUp.push(projection.applied), resolve())));
    await caughtUp;
    expect(seenWhileCatchingUp[0]).toBeLessThan(2000);
    expect(projection.applied).toBe(2000);
  });

  it('never applies an event twice when two processes feed the same read-model database', async () => {
    const { store } = countingStore();
    const connections = twoProcessesDatabase();
    connections[0]!.exec('CREATE TABLE event_count (n INTEGER NOT NULL); INSERT INTO event_count VALUES (0)');
    // A projection that is not idempotent: applying an event twice shows in the count.
    const counter = (): Projection => ({ name: 'counter', tables: ['event_count'], apply: (_event, db) => void db.prepare('UPDATE event_count SET n = n + 1').run() });
    const runners = connections.map((db) => runnerOf(store, db, [counter()]));
    await Promise.all(runners.map((runner) => runner.start()));
    let head: Position | null = null;
    for (let i = 0; i < 20; i++) head = await append(store, `item-${i % 3}`, 1 + (i % 4));
    // Each side reaches the head, whichever of the two committed an event.
    await Promise.all(runners.map((runner) => runner.waitFor(head!, 2000)));
    expect(connections[1]!.prepare('SELECT n FROM event_count').get()).toEqual({ n: 50 });
  });

  it('hands every event to each process\'s observe, whichever process applied it, and loads with the checkpoint', async () => {
    const { store } = countingStore();
    const connections = twoProcessesDatabase();
    connections[0]!.exec('CREATE TABLE seen_rows (position TEXT PRIMARY KEY)');
    await append(store, 'item-0', 3);
    // Process-local state (an in-memory index) kept by observe, rebuilt by load from the table.
    const indexed = (): Projection & { index: Set<string>; loads: number } => {
      const projection = {
        name: 'indexed',
        tables: ['seen_rows'],
        index: new Set<string>(),
        loads: 0,
        apply: (event: RecordedEvent, db: Database.Database) => void db.prepare('INSERT INTO seen_rows VALUES (?)').run(formatPosition(event.position)),
        load: (db: Database.Database) => {
          projection.loads += 1;
          projection.index = new Set((db.prepare('SELECT position FROM seen_rows').all() as { position: string }[]).map((row) => row.position));
        },
        observe: (event: RecordedEvent) => void projection.index.add(formatPosition(event.position)),
      };
      return projection;
    };
    const first = indexed();
    await runnerOf(store, connections[0]!, [first]).start();
    const second = indexed();
    const secondRunner = runnerOf(store, connections[1]!, [second]);
    await secondRunner.start();
    expect(second.loads).toBe(1);
    let head: Position | null = null;
    for (let i = 0; i < 10; i++) head = await append(store, `item-${i % 3}`, 1 + (i % 2));
    await secondRunner.waitFor(head!, 2000);
    const rows = (connections[1]!.prepare('SELECT position FROM seen_rows ORDER BY position').all() as { position: string }[]).map((row) => row.position);
    expect(rows).toHaveLength(18);
    expect([...second.index].sort()).toEqual([...rows].sort());
    expect([...first.index].sort()).toEqual([...rows].sort());
  });
});
