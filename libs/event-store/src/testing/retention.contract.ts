import { describe, expect, it } from '@jest/globals';
import { InvalidEventStoreInputError, StreamDeletedError, WrongExpectedVersionError } from '../errors.js';
import type { EventStore, NewEvent } from '../event-store.js';
import { comparePositions } from '../position.js';
import { collect, SubscriptionProbe } from './subscription-probe.js';

/** What the retention cases need of the contract suite around them. */
export interface RetentionContext {
  store(): EventStore;
  /** A stream name unique to this run. */
  stream(name: string): string;
  /** An event type unique to this run. */
  type(name: string): string;
  /** Shifts the clock the store stamps events with (ms); only embedded stores follow it. */
  shiftClock(ms: number): void;
  /** The max age the store holds for `stream` (read from its storage, or the fake's `$$stream`). */
  maxAgeOf(store: EventStore, stream: string): Promise<number | undefined>;
  /**
   * Embedded stores: `compact()` removes events and removed events leave `$all` at once.
   * KurrentDB: `compact()` removes nothing; tombstoned events stay in `$all` until a scavenge.
   */
  embedded: boolean;
}

const HOUR = 3_600_000;

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

async function expectInvalid(promise: Promise<unknown>, field: string): Promise<void> {
  const error = await errorOf(promise);
  expect(error).toBeInstanceOf(InvalidEventStoreInputError);
  expect((error as InvalidEventStoreInputError).field).toBe(field);
}

/** setStreamMaxAge, deleteStream and compact, for every adapter (see `EventStore`). */
export function retentionContract(context: RetentionContext): void {
  const { stream, type: T } = context;
  const event = (name: string, data: Record<string, unknown> = {}): NewEvent => ({ type: T(name), data });
  const revisions = async (s: string) => (await collect(context.store().readStream(s))).map((e) => e.revision);

  describe('retention and erasure', () => {
    it('records a stream max age, the last call winning, and refuses bad arguments naming the field', async () => {
      const store = context.store();
      const s = stream('max-age');
      await store.setStreamMaxAge(s, 60);
      await store.setStreamMaxAge(s, 86_400);
      expect(await context.maxAgeOf(store, s)).toBe(86_400);
      for (const bad of [0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '60' as never, 2 ** 40]) {
        await expectInvalid(store.setStreamMaxAge(s, bad), 'maxAgeSeconds');
      }
      await expectInvalid(store.setStreamMaxAge('$system', 60), 'stream');
      await expectInvalid(store.deleteStream('has space'), 'stream');
      await expectInvalid(store.compact(new Date(Number.NaN)), 'now');
      expect(await context.maxAgeOf(store, s)).toBe(86_400);
    });

    it('deletes a stream for good: reads are empty and any later append fails with StreamDeletedError', async () => {
      const store = context.store();
      const s = stream('erased');
      await store.append(s, [event('Personal'), event('Personal')], 'no_stream');
      await store.deleteStream(s);
      expect(await collect(store.readStream(s))).toEqual([]);
      expect(await collect(store.readStream(s, { direction: 'backwards' }))).toEqual([]);
      for (const expected of ['any', 'no_stream', 1n] as const) {
        const error = await errorOf(store.append(s, [event('Again')], expected));
        expect(error).toBeInstanceOf(StreamDeletedError);
        expect((error as StreamDeletedError).stream).toBe(s);
      }
      await store.deleteStream(s); // twice: still deleted, no error
      await store.setStreamMaxAge(s, 60); // nothing left to retain: accepted, does nothing
      expect(await collect(store.readStream(s))).toEqual([]);
    });

    it('marks a stream that never existed deleted too', async () => {
      const store = context.store();
      const s = stream('never');
      await store.deleteStream(s);
      await expect(store.append(s, [event('First')], 'no_stream')).rejects.toBeInstanceOf(StreamDeletedError);
      expect(await collect(store.readStream(s))).toEqual([]);
    });

    if (!context.embedded) {
      it('leaves removal to the server: compact removes nothing and the events still read', async () => {
        const store = context.store();
        const s = stream('server-side');
        await store.append(s, [event('Kept')], 'no_stream');
        await store.setStreamMaxAge(s, 3600);
        expect(await store.compact(new Date(Date.now() + 1000 * HOUR))).toEqual({ removed: 0 });
        expect(await revisions(s)).toEqual([0n]);
      });
      return;
    }

    it('compacts only the events past their own stream max age, oldest first', async () => {
      const store = context.store();
      const aged = stream('aged');
      const unlimited = stream('unlimited');
      const young = stream('young');
      try {
        context.shiftClock(-3 * HOUR);
        await store.append(aged, [event('Old'), event('Old')], 'no_stream');
        await store.append(unlimited, [event('Old')], 'no_stream');
        context.shiftClock(-1 * HOUR);
        await store.append(young, [event('Recent')], 'no_stream');
      } finally {
        context.shiftClock(0);
      }
      await store.append(aged, [event('New')], 1n);
      await store.setStreamMaxAge(aged, 7200);
      await store.setStreamMaxAge(young, 7200);
      expect(await store.compact()).toEqual({ removed: 2 });
      expect(await revisions(aged)).toEqual([2n]);
      expect(await revisions(unlimited)).toEqual([0n]);
      expect(await revisions(young)).toEqual([0n]);
      expect(await store.compact()).toEqual({ removed: 0 });
      // An hour later the young stream's event is past age; a `now` far ahead takes what is left.
      expect(await store.compact(new Date(Date.now() + 1.5 * HOUR))).toEqual({ removed: 1 });
      expect(await revisions(young)).toEqual([]);
      expect(await store.compact(new Date(Date.now() + 1000 * HOUR))).toEqual({ removed: 1 });
      expect(await revisions(aged)).toEqual([]);
      expect(await revisions(unlimited)).toEqual([0n]);
    });

    it('keeps the revision of a stream compaction emptied: no_stream is refused and appends continue', async () => {
      const store = context.store();
      const s = stream('emptied');
      await store.append(s, [event('A'), event('B')], 'no_stream');
      await store.setStreamMaxAge(s, 1);
      expect(await store.compact(new Date(Date.now() + HOUR))).toEqual({ removed: 2 });
      const refused = await errorOf(store.append(s, [event('C')], 'no_stream'));
      expect(refused).toBeInstanceOf(WrongExpectedVersionError);
      expect((refused as WrongExpectedVersionError).actual).toBe(1n);
      expect((await store.append(s, [event('C')], 1n)).nextExpectedRevision).toBe(2n);
      expect(await revisions(s)).toEqual([2n]);
      // The last call wins: with ten years, the event appended just now stays.
      await store.setStreamMaxAge(s, 10 * 365 * 86_400);
      expect(await store.compact(new Date(Date.now() + HOUR))).toEqual({ removed: 0 });
      expect(await revisions(s)).toEqual([2n]);
    });

    it('pages readAll and subscribeAll across the gaps deletion and compaction leave', async () => {
      const store = context.store();
      const prefix = stream('gaps');
      const filter = { streamNamePrefixes: [prefix] };
      for (let i = 0; i < 40; i++) {
        await store.append(`${prefix}keep-${i}`, Array.from({ length: 15 }, (_, n) => event('Kept', { i, n })), 'no_stream');
        await store.append(`${prefix}gone-${i}`, Array.from({ length: 15 }, () => event('Gone')), 'no_stream');
      }
      const before = await collect(store.readAll({ filter }));
      const firstGone = before.find((e) => e.stream.includes('gone-'))!;
      for (let i = 0; i < 40; i++) {
        if (i % 2 === 0) await store.deleteStream(`${prefix}gone-${i}`);
        else await store.setStreamMaxAge(`${prefix}gone-${i}`, 1);
      }
      expect(await store.compact(new Date(Date.now() + HOUR))).toEqual({ removed: 300 });
      const kept = before.filter((e) => e.stream.includes('keep-'));
      const keptAfterGap = kept.filter((e) => comparePositions(e.position, firstGone.position) > 0).map((e) => e.id);
      const after = await collect(store.readAll({ filter }));
      expect(after.map((e) => e.id)).toEqual(kept.map((e) => e.id));
      // From a removed event's position: the next event still there, whatever the page size.
      const fromGap = await collect(store.readAll({ filter, fromPosition: firstGone.position, maxCount: 20 }));
      expect(fromGap.map((e) => e.id)).toEqual(keptAfterGap.slice(0, 20));
      const backwards = await collect(store.readAll({ filter, direction: 'backwards', maxCount: 700 }));
      expect(backwards.map((e) => e.id)).toEqual([...kept].reverse().map((e) => e.id));
      const probe = new SubscriptionProbe(store, { filter });
      const fromGapProbe = new SubscriptionProbe(store, { filter, fromPosition: firstGone.position });
      try {
        await probe.until('catch-up', (p) => p.caughtUp);
        await fromGapProbe.until('catch-up', (p) => p.caughtUp);
        expect(probe.events.map((e) => e.id)).toEqual(kept.map((e) => e.id));
        expect(fromGapProbe.events.map((e) => e.id)).toEqual(keptAfterGap);
      } finally {
        await probe.stop();
        await fromGapProbe.stop();
      }
    });
  });
}
