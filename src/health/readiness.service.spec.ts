import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { MemoryEventStore, type RecordedEvent } from '#event-store';
import { defaultMigrationsDir, prepareReadModelDatabase, type Projection, ProjectionRunner } from '#projections';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProjectionsService } from '../storage/projections.service.js';
import { StorageHealth } from '../storage/storage-health.js';
import { ReadinessService } from './readiness.service.js';

/** A projection that refuses events of type `Poison`, as a buggy read model would. */
const fragile: Projection = {
  name: 'fragile',
  tables: [],
  apply(event: RecordedEvent) {
    if (event.type === 'Poison') throw new Error('cannot digest this');
  },
};

describe('ReadinessService', () => {
  const store = new MemoryEventStore();
  const db = new Database(':memory:');
  prepareReadModelDatabase(db, { migrationsDir: defaultMigrationsDir() });
  const runner = new ProjectionRunner(store, db, [fragile]);
  const health = new StorageHealth(store, { db, migrationsApplied: [], close: () => db.close() });
  const service = new ReadinessService(store, runner as unknown as ProjectionsService, health);

  afterEach(async () => runner.stop());
  afterAll(() => health.stop());

  it('is ready once projections have caught up with a reachable store', async () => {
    await store.append('client-a', [{ type: 'ClientRegistered', data: {} }], 'no_stream');
    await runner.start();
    const report = await service.check();
    expect(report.ready).toBe(true);
    expect(report.reasons).toEqual([]);
    expect(report.storage).toEqual({ fault: null });
    expect(report.eventStore).toEqual({ reachable: true, head: '1/1' });
    expect(report.projections).toEqual([{ name: 'fragile', caughtUp: true, checkpoint: '1/1', lagMs: 0 }]);
  });

  it('is not ready when a projection has failed, and says on which event', async () => {
    await runner.start();
    await store.append('client-b', [{ type: 'Poison', data: {} }], 'no_stream');
    while (runner.readiness().failed.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const report = await service.check();
    expect(report.ready).toBe(false);
    const [fragileReport] = report.projections;
    expect(fragileReport!.error).toContain('client-b');
    expect(fragileReport!.error).toContain('Poison');
    expect(fragileReport!.checkpoint).toBe('1/1');
    expect(fragileReport!.lagMs).toBeGreaterThanOrEqual(0);
  });

  it('is not ready when the store does not answer', async () => {
    await store.close();
    const report = await service.check();
    expect(report.ready).toBe(false);
    expect(report.eventStore.reachable).toBe(false);
    expect(report.eventStore.error).toContain('closed');
    expect(report.storage.fault).toBe('unreachable');
    expect(report.reasons[0]).toContain('the event store cannot be reached');
  });
});

describe('ReadinessService with storage that cannot be written', () => {
  it('is not ready, and names the fault, when the read-model database is read-only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshid-readiness-'));
    const path = join(dir, 'read-models.db');
    const writer = new Database(path);
    prepareReadModelDatabase(writer, { migrationsDir: defaultMigrationsDir() });
    writer.close();
    const readOnly = new Database(path, { readonly: true });
    const store = new MemoryEventStore();
    const runner = new ProjectionRunner(store, readOnly, []);
    const health = new StorageHealth(store, { db: readOnly, migrationsApplied: [], close: () => readOnly.close() });
    const service = new ReadinessService(store, runner as unknown as ProjectionsService, health);
    try {
      const report = await service.check();
      expect(report.ready).toBe(false);
      expect({ fault: report.storage.fault, reason: report.reasons[0] }).toEqual({
        fault: 'read-only',
        reason: expect.stringMatching(/^storage fault: the database or its directory is read-only/),
      });
    } finally {
      health.stop();
      readOnly.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
