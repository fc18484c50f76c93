import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type EventStore, MemoryEventStore } from '#event-store';
import { defaultMigrationsDir, openReadModelDatabase, ProjectionRunner, type ReadModelDatabase } from '#projections';
import type { MeshidConfig } from '../../config/meshid-config.js';
import { RetentionReactor } from './retention.reactor.js';

const DAY_MS = 86_400_000;
const config = { retentionAuthorizationCodeDays: 30, retentionAuditDays: 400 } as MeshidConfig;

describe('RetentionReactor', () => {
  let time: number;
  let store: MemoryEventStore;
  const cleanups: (() => unknown)[] = [];

  beforeEach(() => {
    time = Date.UTC(2026, 0, 1);
    store = new MemoryEventStore({ now: () => time });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A replica: its own read-model database and reactor over the shared log. */
  async function replica(reactorStore: EventStore = store, readModel?: ReadModelDatabase) {
    const db = readModel ?? openReadModelDatabase(':memory:', { migrationsDir: defaultMigrationsDir() });
    const runner = new ProjectionRunner(store, db.db, [new RetentionReactor(reactorStore, config)]);
    if (!readModel) cleanups.push(() => db.close());
    cleanups.push(() => runner.stop());
    await runner.start();
    return { runner, readModel: db };
  }

  const append = (stream: string, count = 1) =>
    store.append(stream, Array.from({ length: count }, () => ({ type: 'Happened', data: {} })), 'any');
  const pending = (readModel: ReadModelDatabase) => readModel.db.prepare('SELECT stream FROM retention_pending').pluck().all();
  const counted = (readModel: ReadModelDatabase) => readModel.db.prepare('SELECT category, streams FROM retention_streams ORDER BY category').all();

  it('gives each authorization-code and audit-day stream its configured max age, and no other stream any', async () => {
    const { runner, readModel } = await replica();
    await append('authcode-9f2c', 2);
    await append('audit-2026-01-01');
    await append('audit-2026-01-01', 2); // later events of a known stream add nothing
    await append('client-grafana');
    await append('grant-g1');
    const head = await append('authcodex-lookalike');
    await runner.waitFor(head.position, 2000);
    expect(store.streamMaxAge('authcode-9f2c')).toBe(30 * 86_400);
    expect(store.streamMaxAge('audit-2026-01-01')).toBe(400 * 86_400);
    for (const other of ['client-grafana', 'grant-g1', 'authcodex-lookalike']) expect(store.streamMaxAge(other)).toBeUndefined();
    expect(pending(readModel)).toEqual([]);
    expect(counted(readModel)).toEqual([
      { category: 'audit', streams: 1 },
      { category: 'authcode', streams: 1 },
    ]);
  });

  it('lets compaction remove exactly what is past each category’s age', async () => {
    const { runner } = await replica();
    await append('authcode-old', 2);
    await append('audit-2026-01-01');
    await append('client-grafana');
    time += 31 * DAY_MS;
    const head = await append('authcode-new');
    await runner.waitFor(head.position, 2000);
    expect(await store.compact()).toEqual({ removed: 2 });
    const left: string[] = [];
    for await (const event of store.readAll()) left.push(event.stream);
    expect(left).toEqual(['audit-2026-01-01', 'client-grafana', 'authcode-new']);
  });

  it('keeps a stream pending when setting its age fails, and sets it on the next start (at least once)', async () => {
    let failures = 1;
    const flaky = Object.assign(Object.create(store) as MemoryEventStore, {
      setStreamMaxAge: async (stream: string, age: number) => {
        if (failures-- > 0) throw new Error('store unavailable');
        return store.setStreamMaxAge(stream, age);
      },
    });
    const first = await replica(flaky);
    const head = await append('authcode-retry');
    await expect(first.runner.waitFor(head.position, 2000)).rejects.toThrow();
    expect(pending(first.readModel)).toEqual(['authcode-retry']);
    expect(store.streamMaxAge('authcode-retry')).toBeUndefined();
    await first.runner.stop();

    const second = await replica(flaky, first.readModel);
    await second.runner.waitFor(head.position, 2000);
    expect(store.streamMaxAge('authcode-retry')).toBe(30 * 86_400);
    expect(pending(first.readModel)).toEqual([]);
    expect(counted(first.readModel)).toEqual([{ category: 'authcode', streams: 1 }]);
  });

  it('is idempotent across replicas and rebuilds: the same age, each stream counted once per read model', async () => {
    const a = await replica();
    const b = await replica();
    await append('authcode-shared');
    const head = await append('audit-2026-01-02');
    await a.runner.waitFor(head.position, 2000);
    await b.runner.waitFor(head.position, 2000);
    await a.runner.rebuild('retention');
    await a.runner.waitFor(head.position, 2000);
    expect(store.streamMaxAge('authcode-shared')).toBe(30 * 86_400);
    for (const { readModel } of [a, b]) {
      expect(counted(readModel)).toEqual([
        { category: 'audit', streams: 1 },
        { category: 'authcode', streams: 1 },
      ]);
    }
  });
});
