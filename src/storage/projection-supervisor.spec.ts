import { afterEach, describe, expect, it } from '@jest/globals';
import type { Logger } from '@nestjs/common';
import Database from 'better-sqlite3';
import { MemoryEventStore, type RecordedEvent } from '#event-store';
import { defaultMigrationsDir, prepareReadModelDatabase, type Projection, ProjectionRunner } from '#projections';
import { ProjectionSupervisor } from './projection-supervisor.js';
import { storageFaultOf } from './storage-fault.js';

/** A logger that keeps what it is told, by level. */
function recordingLogger() {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (message: unknown) => void lines.push({ level, message: String(message) });
  const logger = { log: at('log'), warn: at('warn'), error: at('error'), debug: at('debug') } as unknown as Logger;
  return { logger, lines };
}

async function until(condition: () => boolean, what: string, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Fails its first `failures` applies as a full disk would (SQLITE_FULL), then works. */
function flaky(failures: number): Projection & { applied: string[] } {
  let left = failures;
  const applied: string[] = [];
  return {
    name: 'flaky',
    tables: [],
    applied,
    apply(event: RecordedEvent) {
      if (left > 0) {
        left -= 1;
        throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      }
      applied.push(event.id);
    },
  };
}

/** Refuses events of type `Poison`, as a bug in a read model would: no retry can help. */
const poisoned: Projection = {
  name: 'poisoned',
  tables: [],
  apply(event: RecordedEvent) {
    if (event.type === 'Poison') throw new Error('cannot digest this');
  },
};

describe('ProjectionSupervisor', () => {
  let cleanup: Array<() => Promise<void> | void> = [];

  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup = [];
  });

  function setUp(projections: Projection[]) {
    const store = new MemoryEventStore();
    const db = new Database(':memory:');
    prepareReadModelDatabase(db, { migrationsDir: defaultMigrationsDir() });
    const runner = new ProjectionRunner(store, db, projections);
    const { logger, lines } = recordingLogger();
    const reported: unknown[] = [];
    const supervisor = new ProjectionSupervisor(runner, logger, {
      reportFault: (error) => (storageFaultOf(error) === null ? false : (reported.push(error), true)),
    });
    cleanup.push(() => supervisor.stop(), () => runner.stop(), () => void db.close());
    return { store, runner, supervisor, lines, reported };
  }

  it('restarts a projection stopped by a storage fault from its checkpoint until it is live, applying each event once', async () => {
    const projection = flaky(3);
    const { store, runner, supervisor, lines, reported } = setUp([projection]);
    await store.append('client-a', [{ type: 'ClientRegistered', data: {} }], 'no_stream');
    await runner.start({ waitForCatchUp: false });
    supervisor.start();
    await until(() => runner.readiness().ready && lines.some((line) => line.message.includes('live again')), 'recovery');
    const [event] = await collect(store.readAll());
    expect(projection.applied).toEqual([event!.id]);
    // The fault itself is the storage health's to log; here only the recovery is said.
    expect(reported.length).toBeGreaterThanOrEqual(1);
    expect(lines.filter((line) => line.level !== 'debug')).toEqual([
      { level: 'log', message: expect.stringMatching(/^projections flaky are live again, resumed from their checkpoints after \d+ restart\(s\)$/) },
    ]);
  });

  it('leaves a projection failed on a poison event failed, says so once, and keeps the others running', async () => {
    const projection = flaky(0);
    const { store, runner, supervisor, lines } = setUp([poisoned, projection]);
    await runner.start();
    supervisor.start();
    await store.append('client-b', [{ type: 'Poison', data: {} }], 'no_stream');
    await store.append('client-c', [{ type: 'ClientRegistered', data: {} }], 'no_stream');
    await until(() => lines.some((line) => line.level === 'error'), 'the poison to be reported');
    // Several more looks: still one line, still failed, never restarted.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(lines.filter((line) => line.level === 'error')).toHaveLength(1);
    expect(lines[0]!.message).toMatch(/projection "poisoned" failed on the event .*client-b.*Retrying cannot help/);
    expect(runner.readiness()).toMatchObject({ ready: false, failed: [{ name: 'poisoned' }] });
    expect(projection.applied).toHaveLength(2);
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
