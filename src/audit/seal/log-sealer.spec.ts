import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { type EventStore, MemoryEventStore } from '#event-store';
import type { LogSealer } from './log-sealer.js';
import { LogVerifier } from './log-verifier.js';
import type { LogSealedData } from './seal-format.js';
import { sealKey, sealsOf, testHasher, testSealer } from './testing/seal-fixtures.js';

const hasher = testHasher();
let errors: string[];
let sealers: LogSealer[];

beforeEach(() => {
  errors = [];
  sealers = [];
  jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => void errors.push(String(message)));
});
afterEach(async () => {
  await Promise.all(sealers.map((sealer) => sealer.stop()));
  jest.restoreAllMocks();
});

function started(store: EventStore, settings: Parameters<typeof testSealer>[2] = {}, key = hasher): LogSealer {
  const sealer = testSealer(store, key, settings);
  sealers.push(sealer);
  sealer.start();
  return sealer;
}

async function write(store: EventStore, count: number, stream = 'client-a'): Promise<void> {
  for (let i = 0; i < count; i++) await store.append(stream, [{ type: 'Happened', data: { i } }], 'any');
}

const seals = async (store: EventStore) => (await sealsOf(store)).map((event) => event.data as LogSealedData);

async function eventually(check: () => Promise<void>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

const verify = (store: EventStore) => new LogVerifier(store, sealKey(hasher), { now: Date.now(), retentionAuthorizationCodeDays: 30, retentionAuditDays: 400 }).verify();

describe('LogSealer', () => {
  it('seals every logSealEvents events as they come, chained, and the rest on flush', async () => {
    const store = new MemoryEventStore();
    const sealer = started(store, { events: 3 });
    await write(store, 7);
    await eventually(async () => expect((await seals(store)).map((seal) => seal.count)).toEqual([3, 3]));
    await sealer.flush();
    const all = await seals(store);
    expect(all.map(({ sequence, count }) => ({ sequence, count }))).toEqual([
      { sequence: 0, count: 3 },
      { sequence: 1, count: 3 },
      { sequence: 2, count: 1 },
    ]);
    expect(all.map((seal) => seal.after)).toEqual([null, all[0]!.through, all[1]!.through]);
    expect(await verify(store)).toMatchObject({ ok: true, seals: 3, sealedEvents: 7, unsealedTail: 0 });
  });

  it('seals a few events once the interval has passed since the first of them', async () => {
    const store = new MemoryEventStore();
    started(store, { events: 1000, intervalSeconds: 0.05 });
    await write(store, 2);
    await eventually(async () => expect((await seals(store)).map((seal) => seal.count)).toEqual([2]));
  });

  it('retries a seal the store refused, logging the failure', async () => {
    const store = new MemoryEventStore();
    let refusals = 1;
    const flaky = new Proxy(store, {
      get(target, property) {
        if (property === 'append') {
          return (stream: string, ...rest: Parameters<EventStore['append']> extends [string, ...infer R] ? R : never) => {
            if (stream === 'log-seals' && refusals-- > 0) return Promise.reject(new Error('disk full'));
            return target.append(stream, ...rest);
          };
        }
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    started(flaky, { events: 1000, intervalSeconds: 0.05 });
    await write(store, 2);
    await eventually(async () => expect((await seals(store)).map((seal) => seal.count)).toEqual([2]));
    expect(errors).toEqual([expect.stringContaining('disk full')]);
  });

  it('resumes after the last seal in the log when started again, and seals what is pending on shutdown', async () => {
    const store = new MemoryEventStore();
    const first = started(store, { events: 2 });
    await write(store, 2);
    await first.beforeApplicationShutdown();
    await write(store, 3);
    expect((await seals(store)).map((seal) => seal.count)).toEqual([2]);
    await started(store, { events: 1000 }).beforeApplicationShutdown();
    expect((await seals(store)).map(({ sequence, after, count }) => ({ sequence, after, count }))).toEqual([
      { sequence: 0, after: null, count: 2 },
      { sequence: 1, after: '2/2', count: 3 },
    ]);
    expect(await verify(store)).toMatchObject({ ok: true, seals: 2, sealedEvents: 5 });
  });

  it('lets one of two replicas seal a range: the other adopts its seal and seals only what follows', async () => {
    const store = new MemoryEventStore();
    const one = started(store);
    const two = started(store);
    await write(store, 2);
    await one.flush();
    await two.flush();
    expect(await seals(store)).toHaveLength(1);
    await write(store, 1);
    await two.flush();
    await one.flush();
    expect((await seals(store)).map(({ sequence, after, count }) => ({ sequence, after, count }))).toEqual([
      { sequence: 0, after: null, count: 2 },
      { sequence: 1, after: '2/2', count: 1 },
    ]);
    expect(errors).toEqual([]);
  });

  it('keeps one consistent sequence of seals when replicas race under load', async () => {
    const store = new MemoryEventStore();
    const replicas = [started(store, { events: 3, intervalSeconds: 0.01 }), started(store, { events: 2, intervalSeconds: 0.01 }), started(store, { events: 5 })];
    await Promise.all([write(store, 20, 'client-a'), write(store, 20, 'client-b'), write(store, 20, 'grant-c')]);
    await Promise.all(replicas.map((replica) => replica.flush()));
    const report = await verify(store);
    expect(report).toMatchObject({ ok: true, sealedEvents: 60, unsealedTail: 0 });
    expect(report.seals).toBe((await seals(store)).length);
    expect(errors).toEqual([]);
  });

  it('reports divergence when another writer sealed the same range differently (another pepper)', async () => {
    const store = new MemoryEventStore();
    const ours = started(store);
    const theirs = started(store, {}, testHasher());
    await write(store, 2);
    await theirs.flush();
    await ours.flush();
    expect(errors).toEqual([expect.stringContaining('does not follow seal -1'), expect.stringContaining('divergence: seal 0')]);
    expect((await verify(store)).firstBad).toMatchObject({ reason: 'seal_altered', seal: 0 });
  });
});
