import { afterEach, describe, expect, it } from '@jest/globals';
import type Database from 'better-sqlite3';
import { MemoryEventStore, type RecordedEvent } from '#event-store';
import { ProjectionInterruptedError } from './errors.js';
import type { Projection } from './projection.js';
import { ProjectionRunner } from './projection-runner.js';
import { defaultMigrationsDir, openReadModelDatabase } from './read-model-database.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A reactor: `apply` queues one outbox row per event, `react` "sends" them (after `gate` opens) and deletes them. */
class OutboxReactor implements Projection {
  readonly name = 'outbox';
  readonly tables = ['outbox_rows'];
  sent: number[] = [];
  gate: Promise<void> = Promise.resolve();
  failNext = false;

  createTable(db: Database.Database): this {
    db.exec('CREATE TABLE IF NOT EXISTS outbox_rows (n INTEGER PRIMARY KEY)');
    return this;
  }

  apply(event: RecordedEvent, db: Database.Database): void {
    db.prepare('INSERT INTO outbox_rows (n) VALUES (?)').run(event.data['n']);
  }

  async react(db: Database.Database): Promise<void> {
    await this.gate;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('downstream unavailable');
    }
    for (const { n } of db.prepare('SELECT n FROM outbox_rows ORDER BY n').all() as Array<{ n: number }>) {
      this.sent.push(n);
      db.prepare('DELETE FROM outbox_rows WHERE n = ?').run(n);
    }
  }
}

function setup() {
  const store = new MemoryEventStore();
  const readModel = openReadModelDatabase(':memory:', { migrationsDir: defaultMigrationsDir() });
  const reactor = new OutboxReactor().createTable(readModel.db);
  const runner = new ProjectionRunner(store, readModel.db, [reactor]);
  cleanups.push(() => store.close(), () => readModel.close(), () => runner.stop());
  return { store, db: readModel.db, reactor, runner };
}

describe('a projection with react (a reactor)', () => {
  it('counts a position as reached for waitFor only once its reaction is done', async () => {
    const { store, reactor, runner } = setup();
    await runner.start();
    let open!: () => void;
    reactor.gate = new Promise((resolve) => (open = resolve));
    const { position } = await store.append('item-1', [{ type: 'ItemAdded', data: { n: 1 } }], 'any');
    let reached = false;
    const waiting = runner.waitFor(position, 2000).then(() => (reached = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reached).toBe(false);
    expect(reactor.sent).toEqual([]);
    open();
    await waiting;
    expect(reactor.sent).toEqual([1]);
  });

  it('stops on a failed reaction and, restarted, drains the outbox the commit kept before anything else', async () => {
    const { store, db, reactor, runner } = setup();
    await runner.start();
    reactor.failNext = true;
    const { position } = await store.append('item-1', [{ type: 'ItemAdded', data: { n: 7 } }], 'any');
    await expect(runner.waitFor(position, 2000)).rejects.toBeInstanceOf(ProjectionInterruptedError);
    // The row and the checkpoint were committed together; only the reaction is missing.
    expect(db.prepare('SELECT n FROM outbox_rows').all()).toEqual([{ n: 7 }]);
    expect(reactor.sent).toEqual([]);

    await runner.start();
    await runner.waitFor(position, 2000);
    expect(reactor.sent).toEqual([7]);
    expect(db.prepare('SELECT n FROM outbox_rows').all()).toEqual([]);
  });
});
