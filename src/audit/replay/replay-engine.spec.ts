import { beforeEach, describe, expect, it } from '@jest/globals';
import type Database from 'better-sqlite3';
import { type EventFilter, formatPosition, MemoryEventStore, type Position, type RecordedEvent } from '#event-store';
import { CheckpointStore, openReadModelDatabase, type Projection, type ReadModelDatabase, defaultMigrationsDir } from '#projections';
import { ReplayError, replayLog, unionFilter } from './replay-engine.js';

/** Records each event it is given in its own table; counts `react` calls, which must stay at 0. */
class TableProjection implements Projection {
  readonly tables: readonly string[];
  reactions = 0;

  constructor(
    readonly name: string,
    readonly filter?: EventFilter,
  ) {
    this.tables = [`t_${name}`];
  }

  createTable(db: Database.Database): this {
    db.exec(`CREATE TABLE ${this.tables[0]} (position TEXT PRIMARY KEY, stream TEXT NOT NULL, type TEXT NOT NULL)`);
    return this;
  }

  apply(event: RecordedEvent, db: Database.Database): void {
    if (event.type === 'Poison') throw new Error('cannot digest');
    db.prepare(`INSERT INTO ${this.tables[0]} VALUES (?, ?, ?)`).run(formatPosition(event.position), event.stream, event.type);
  }

  async react(): Promise<void> {
    this.reactions += 1;
  }

  rows(db: Database.Database): string[] {
    return (db.prepare(`SELECT stream, type FROM ${this.tables[0]} ORDER BY position`).all() as Array<{ stream: string; type: string }>).map(
      (row) => `${row.stream}:${row.type}`,
    );
  }
}

describe('replayLog', () => {
  let store: MemoryEventStore;
  let scratch: ReadModelDatabase;
  const positions: Position[] = [];

  beforeEach(async () => {
    store = new MemoryEventStore();
    scratch = openReadModelDatabase(':memory:', { migrationsDir: defaultMigrationsDir() });
    positions.length = 0;
    const log: Array<[string, string]> = [
      ['client-a', 'ClientRegistered'],
      ['grant-1', 'GrantIssued'],
      ['client-b', 'ClientRegistered'],
      ['session-s', 'SessionEnded'],
      ['grant-1', 'GrantRevoked'],
      ['client-a', 'ClientUpdated'],
    ];
    for (const [stream, type] of log) positions.push((await store.append(stream, [{ type, data: {} }], 'any')).position);
  });

  it('gives each projection the events its filter takes, by stream or by type, as the store filters', async () => {
    const clients = new TableProjection('clients', { streamNamePrefixes: ['client-'] }).createTable(scratch.db);
    const byType = new TableProjection('bytype', { eventTypePrefixes: ['Grant', 'SessionEnded'] }).createTable(scratch.db);
    const all = new TableProjection('all').createTable(scratch.db);
    const head = positions.at(-1)!;
    const outcomes = await replayLog(store, scratch.db, [clients, byType, all].map((projection) => ({ projection, until: head })));
    expect(clients.rows(scratch.db)).toEqual(['client-a:ClientRegistered', 'client-b:ClientRegistered', 'client-a:ClientUpdated']);
    expect(byType.rows(scratch.db)).toEqual(['grant-1:GrantIssued', 'session-s:SessionEnded', 'grant-1:GrantRevoked']);
    expect(all.rows(scratch.db)).toHaveLength(6);
    expect(outcomes.map((outcome) => [outcome.name, outcome.applied, outcome.position])).toEqual([
      ['clients', 3, head],
      ['bytype', 3, head],
      ['all', 6, head],
    ]);
  });

  it('stops each projection at its own target, inclusive, records it as its checkpoint, and never reacts', async () => {
    const early = new TableProjection('early').createTable(scratch.db);
    const late = new TableProjection('late', { streamNamePrefixes: ['client-'] }).createTable(scratch.db);
    const never = new TableProjection('never').createTable(scratch.db);
    const outcomes = await replayLog(store, scratch.db, [
      { projection: early, until: positions[1]! },
      { projection: late, until: positions[3]! },
      { projection: never, until: null },
    ]);
    expect(early.rows(scratch.db)).toEqual(['client-a:ClientRegistered', 'grant-1:GrantIssued']);
    expect(late.rows(scratch.db)).toEqual(['client-a:ClientRegistered', 'client-b:ClientRegistered']);
    expect(never.rows(scratch.db)).toEqual([]);
    expect(outcomes.map((outcome) => outcome.position)).toEqual([positions[1], positions[3], null]);
    const checkpoints = new CheckpointStore(scratch.db);
    expect([checkpoints.get('early'), checkpoints.get('late'), checkpoints.get('never')]).toEqual([positions[1], positions[3], null]);
    expect([early, late, never].map((projection) => projection.reactions)).toEqual([0, 0, 0]);
  });

  it('commits in chunks without changing the result', async () => {
    const all = new TableProjection('all').createTable(scratch.db);
    await replayLog(store, scratch.db, [{ projection: all, until: positions.at(-1)! }], { commitEvery: 4 });
    expect(all.rows(scratch.db)).toHaveLength(6);
    expect(scratch.db.inTransaction).toBe(false);
  });

  it('ends at the head when a target lies beyond it', async () => {
    const all = new TableProjection('all').createTable(scratch.db);
    const beyond = { commit: 1_000n, prepare: 1_000n };
    const [outcome] = await replayLog(store, scratch.db, [{ projection: all, until: beyond }]);
    expect(outcome).toMatchObject({ applied: 6, position: positions.at(-1) });
  });

  it('stops at a failing apply, naming projection and event, and leaves nothing of the replay', async () => {
    await store.append('grant-2', [{ type: 'Poison', data: {} }], 'any');
    const all = new TableProjection('all').createTable(scratch.db);
    const replay = replayLog(store, scratch.db, [{ projection: all, until: { commit: 1_000n, prepare: 1_000n } }]);
    await expect(replay).rejects.toThrow(ReplayError);
    await expect(replayLog(store, scratch.db, [{ projection: all, until: { commit: 1_000n, prepare: 1_000n } }])).rejects.toThrow(
      /projection "all" failed to apply Poison at 7\/7 in grant-2: cannot digest/,
    );
    expect(all.rows(scratch.db)).toEqual([]);
    expect(scratch.db.inTransaction).toBe(false);
  });
});

describe('unionFilter', () => {
  it('merges filters of one kind and gives up on mixed kinds or an unfiltered projection', () => {
    expect(unionFilter([{ streamNamePrefixes: ['a-', 'b-'] }, { streamNamePrefixes: ['b-', 'c-'] }])).toEqual({ streamNamePrefixes: ['a-', 'b-', 'c-'] });
    expect(unionFilter([{ eventTypePrefixes: ['X'] }, { eventTypePrefixes: ['Y'] }])).toEqual({ eventTypePrefixes: ['X', 'Y'] });
    expect(unionFilter([{ streamNamePrefixes: ['a-'] }, { eventTypePrefixes: ['Y'] }])).toBeUndefined();
    expect(unionFilter([{ streamNamePrefixes: ['a-'] }, undefined])).toBeUndefined();
  });
});
