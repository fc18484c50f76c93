import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { InvalidEventStoreInputError, WrongExpectedVersionError } from '../errors.js';
import type { EventStore, NewEvent } from '../event-store.js';
import { comparePositions, type Position } from '../position.js';
import { retentionContract } from './retention.contract.js';
import { collect, SubscriptionProbe } from './subscription-probe.js';

/**
 * What the contract suite needs of an adapter. Every adapter runs the same suite; a capability an
 * adapter cannot offer is left out and the tests that need it are not registered for it.
 */
export interface EventStoreHarness {
  /**
   * A store on a fresh log (or, for a shared server, a log the suite's unique names isolate it
   * in). Embedded stores stamp events with `now` (ms), which the retention cases shift.
   */
  create(now: () => number): Promise<EventStore>;
  /** A new store instance on the same log as `store`, after closing `store`: a process restart. */
  restart?(store: EventStore, now: () => number): Promise<EventStore>;
  /** The max age `setStreamMaxAge` left for `stream`, read from where the adapter keeps it. */
  maxAgeOf(store: EventStore, stream: string): Promise<number | undefined>;
  /** `compact()` removes events and removals leave `$all` at once (memory, SQLite); not KurrentDB. */
  embedded: boolean;
  /** Makes `stream` exist with its last event at `revision` (to test revisions past 2^32). */
  seedStreamAt?(store: EventStore, stream: string, revision: bigint): Promise<void>;
  dispose?(): Promise<void>;
}

const event = (type: string, data: Record<string, unknown> = {}): NewEvent => ({ type, data });

async function expectWrongVersion(promise: Promise<unknown>, expected: unknown, actual: unknown): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WrongExpectedVersionError);
  expect((error as WrongExpectedVersionError).expected).toEqual(expected);
  expect((error as WrongExpectedVersionError).actual).toEqual(actual);
}

export function runEventStoreContract(adapter: string, harness: EventStoreHarness): void {
  describe(`EventStore contract: ${adapter}`, () => {
    // Names unique to this run, so that a shared KurrentDB server's other data never interferes.
    const run = randomBytes(4).toString('hex');
    const T = (name: string) => `C${run}${name}`;
    let counter = 0;
    const stream = (name: string) => `ct${run}-${name}-${++counter}`;
    const ours = { streamNamePrefixes: [`ct${run}-`] };
    let store: EventStore;
    let clockShift = 0;
    const now = () => Date.now() + clockShift;

    beforeAll(async () => {
      store = await harness.create(now);
    });
    afterAll(async () => {
      await store?.close();
      await harness.dispose?.();
    });

    describe('append', () => {
      it('creates a stream with no_stream and refuses a second create', async () => {
        const s = stream('create');
        const first = await store.append(s, [event(T('Opened'))], 'no_stream');
        expect(first.nextExpectedRevision).toBe(0n);
        await expectWrongVersion(store.append(s, [event(T('Opened'))], 'no_stream'), 'no_stream', 0n);
        expect(await collect(store.readStream(s))).toHaveLength(1);
      });

      it('appends at the exact revision and refuses a stale one', async () => {
        const s = stream('exact');
        await store.append(s, [event(T('A')), event(T('B'))], 'no_stream');
        const next = await store.append(s, [event(T('C'))], 1n);
        expect(next.nextExpectedRevision).toBe(2n);
        await expectWrongVersion(store.append(s, [event(T('D'))], 1n), 1n, 2n);
        await expectWrongVersion(store.append(stream('absent'), [event(T('D'))], 0n), 0n, 'no_stream');
      });

      it('checks stream_exists and lets any through', async () => {
        const s = stream('exists');
        await expectWrongVersion(store.append(s, [event(T('A'))], 'stream_exists'), 'stream_exists', 'no_stream');
        expect((await store.append(s, [event(T('A'))], 'any')).nextExpectedRevision).toBe(0n);
        expect((await store.append(s, [event(T('B'))], 'stream_exists')).nextExpectedRevision).toBe(1n);
        expect((await store.append(s, [event(T('C'))], 'any')).nextExpectedRevision).toBe(2n);
      });

      it('lets exactly one of many racing appends at the same revision win', async () => {
        const s = stream('race');
        await store.append(s, [event(T('Issued'))], 'no_stream');
        const racers = 25;
        const outcomes = await Promise.allSettled(
          Array.from({ length: racers }, (_, i) => store.append(s, [event(T('Redeemed'), { racer: i })], 0n)),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(racers - 1);
        for (const loss of lost) expect(loss.reason).toBeInstanceOf(WrongExpectedVersionError);
        const events = await collect(store.readStream(s));
        expect(events.map((e) => e.type)).toEqual([T('Issued'), T('Redeemed')]);
      });

      it('writes a batch atomically with consecutive revisions and one position each', async () => {
        const s = stream('batch');
        const result = await store.append(s, [event(T('A')), event(T('B')), event(T('C'))], 'no_stream');
        const events = await collect(store.readStream(s));
        expect(events.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
        expect(result.nextExpectedRevision).toBe(2n);
        expect(comparePositions(result.position, events[2]!.position)).toBe(0);
        expect(comparePositions(events[0]!.position, events[1]!.position)).toBe(-1);
      });

      it('treats an empty append as a revision check that writes nothing', async () => {
        const s = stream('empty');
        expect((await store.append(s, [], 'no_stream')).nextExpectedRevision).toBe(-1n);
        expect(await collect(store.readStream(s))).toEqual([]);
        await store.append(s, [event(T('A'))], 'no_stream');
        expect((await store.append(s, [], 0n)).nextExpectedRevision).toBe(0n);
        await expectWrongVersion(store.append(s, [], 'no_stream'), 'no_stream', 0n);
        expect(await collect(store.readStream(s))).toHaveLength(1);
      });

      it('refuses bad stream names, event types and payloads, naming the field, and writes nothing', async () => {
        const s = stream('invalid');
        const attempts: Array<[string, () => Promise<unknown>]> = [
          ['stream', () => store.append('', [event(T('A'))], 'any')],
          ['stream', () => store.append('$system', [event(T('A'))], 'any')],
          ['stream', () => store.append('has space', [event(T('A'))], 'any')],
          ['type', () => store.append(s, [event('lowercase')], 'any')],
          ['type', () => store.append(s, [event('$Reserved')], 'any')],
          ['data', () => store.append(s, [{ type: T('A'), data: [] as never }], 'any')],
          ['data', () => store.append(s, [{ type: T('A'), data: { n: 1n } }], 'any')],
          ['metadata', () => store.append(s, [{ type: T('A'), data: {}, metadata: 'x' as never }], 'any')],
          ['id', () => store.append(s, [{ id: 'not-a-uuid', type: T('A'), data: {} }], 'any')],
          ['expectedRevision', () => store.append(s, [event(T('A'))], -1n)],
          ['expectedRevision', () => store.append(s, [event(T('A'))], 'latest' as never)],
        ];
        for (const [field, attempt] of attempts) {
          const error = await attempt().then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(InvalidEventStoreInputError);
          expect((error as InvalidEventStoreInputError).field).toBe(field);
        }
        expect(await collect(store.readStream(s))).toEqual([]);
      });
    });

    describe('readStream', () => {
      it('reads a missing stream as empty, in both directions', async () => {
        expect(await collect(store.readStream(stream('missing')))).toEqual([]);
        expect(await collect(store.readStream(stream('missing'), { direction: 'backwards' }))).toEqual([]);
      });

      it('reads forwards, backwards, from a revision and up to a maximum', async () => {
        const s = stream('read');
        await store.append(s, Array.from({ length: 10 }, (_, i) => event(T('N'), { i })), 'no_stream');
        const revisions = async (options: Parameters<EventStore['readStream']>[1]) =>
          (await collect(store.readStream(s, options))).map((e) => e.revision);
        expect(await revisions({})).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n]);
        expect(await revisions({ fromRevision: 7n })).toEqual([7n, 8n, 9n]);
        expect(await revisions({ fromRevision: 2n, maxCount: 3 })).toEqual([2n, 3n, 4n]);
        expect(await revisions({ direction: 'backwards', maxCount: 2 })).toEqual([9n, 8n]);
        expect(await revisions({ direction: 'backwards', fromRevision: 3n })).toEqual([3n, 2n, 1n, 0n]);
        expect(await revisions({ direction: 'backwards', fromRevision: 'end', maxCount: 1 })).toEqual([9n]);
        expect(await revisions({ fromRevision: 50n })).toEqual([]);
        expect(await revisions({ fromRevision: 'end' })).toEqual([]);
        expect(await revisions({ direction: 'backwards', fromRevision: 'start' })).toEqual([0n]);
      });

      it('round-trips data and metadata as JSON, with the recorded fields filled in', async () => {
        const s = stream('json');
        const data = { text: 'ünïcødé ✓ "quoted" \n', n: 12.5, big: 9007199254740991, yes: true, none: null, list: [1, 'two', { three: 3 }] };
        const metadata = { actor: 'admin@example.com', correlationId: 'c-1', causationId: 'c-0', ip: '100.64.0.1', extra: { nested: [true] } };
        const id = '0b7f1a52-3a67-4d6e-9a8e-6d2f1c0b9e41';
        const before = Date.now();
        await store.append(s, [{ id, type: T('Recorded'), data, metadata }], 'no_stream');
        const [recorded] = await collect(store.readStream(s));
        expect(recorded!.id).toBe(id);
        expect(recorded!.stream).toBe(s);
        expect(recorded!.type).toBe(T('Recorded'));
        expect(recorded!.data).toEqual(data);
        expect(recorded!.metadata).toEqual({ schemaVersion: 1, ...metadata });
        expect(recorded!.createdAt).toBeInstanceOf(Date);
        expect(recorded!.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
        expect(recorded!.createdAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
        const [generated] = await collect(store.readStream(s, { maxCount: 1 }));
        expect(generated!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      });

      it('stores and returns a 1 MB event intact', async () => {
        const s = stream('large');
        const blob = randomBytes(512 * 1024).toString('hex');
        await store.append(s, [event(T('Large'), { blob })], 'no_stream');
        const [recorded] = await collect(store.readStream(s));
        expect((recorded!.data as { blob: string }).blob).toBe(blob);
      });
    });

    if (harness.seedStreamAt) {
      const seed = harness.seedStreamAt;
      it('keeps revisions beyond 2^32 exact', async () => {
        const s = stream('huge');
        const base = 2n ** 32n + 7n;
        await seed(store, s, base);
        const result = await store.append(s, [event(T('A')), event(T('B'))], base);
        expect(result.nextExpectedRevision).toBe(base + 2n);
        await expectWrongVersion(store.append(s, [event(T('C'))], base), base, base + 2n);
        const tail = await collect(store.readStream(s, { direction: 'backwards', maxCount: 2 }));
        expect(tail.map((e) => e.revision)).toEqual([base + 2n, base + 1n]);
        expect((await collect(store.readStream(s, { fromRevision: base + 2n }))).map((e) => e.revision)).toEqual([base + 2n]);
      });
    }

    describe('readAll', () => {
      it('orders every event of every stream in one global order', async () => {
        const a = stream('order-a');
        const b = stream('order-b');
        const appended: Position[] = [];
        for (let i = 0; i < 6; i++) {
          const result = await store.append(i % 2 ? a : b, [event(T('Step'), { i })], 'any');
          appended.push(result.position);
        }
        const all = await collect(store.readAll({ filter: { streamNamePrefixes: [a, b] } }));
        expect(all.map((e) => (e.data as { i: number }).i)).toEqual([0, 1, 2, 3, 4, 5]);
        all.forEach((e, i) => expect(comparePositions(e.position, appended[i]!)).toBe(0));
        for (let i = 1; i < all.length; i++) expect(comparePositions(all[i - 1]!.position, all[i]!.position)).toBe(-1);
      });

      it('filters by stream-name prefix and by event-type prefix', async () => {
        const prefix = stream('filter');
        await store.append(`${prefix}x-1`, [event(T('FilterApple')), event(T('FilterBanana'))], 'no_stream');
        await store.append(`${prefix}y-1`, [event(T('FilterApple'))], 'no_stream');
        const byStream = await collect(store.readAll({ filter: { streamNamePrefixes: [`${prefix}x-`] } }));
        expect(byStream.map((e) => e.type)).toEqual([T('FilterApple'), T('FilterBanana')]);
        const byType = await collect(store.readAll({ filter: { eventTypePrefixes: [T('FilterApp')] } }));
        expect(byType.map((e) => e.stream)).toEqual([`${prefix}x-1`, `${prefix}y-1`]);
      });

      it('reads from a position (inclusive), backwards and up to a maximum', async () => {
        const s = stream('window');
        await store.append(s, Array.from({ length: 5 }, (_, i) => event(T('W'), { i })), 'no_stream');
        const filter = { streamNamePrefixes: [s] };
        const all = await collect(store.readAll({ filter }));
        const from = await collect(store.readAll({ filter, fromPosition: all[2]!.position }));
        expect(from.map((e) => e.revision)).toEqual([2n, 3n, 4n]);
        const back = await collect(store.readAll({ filter, direction: 'backwards', maxCount: 2 }));
        expect(back.map((e) => e.revision)).toEqual([4n, 3n]);
        const backFrom = await collect(store.readAll({ filter, direction: 'backwards', fromPosition: all[1]!.position }));
        expect(backFrom.map((e) => e.revision)).toEqual([1n, 0n]);
        expect(await collect(store.readAll({ filter, maxCount: 0 }))).toEqual([]);
        expect(await collect(store.readAll({ filter, fromPosition: 'end' }))).toEqual([]);
        expect(await collect(store.readAll({ filter, direction: 'backwards', fromPosition: 'start' }))).toEqual([]);
      });
    });

    describe('subscribeAll', () => {
      it('starts after the given position, catches up, then delivers live appends', async () => {
        const s = stream('sub');
        await store.append(s, [event(T('S'), { i: 0 }), event(T('S'), { i: 1 }), event(T('S'), { i: 2 })], 'no_stream');
        const [, second] = await collect(store.readAll({ filter: { streamNamePrefixes: [s] } }));
        const probe = new SubscriptionProbe(store, { fromPosition: second!.position, filter: { streamNamePrefixes: [s] } });
        try {
          await probe.until('catch-up', (p) => p.caughtUp);
          expect(probe.events.map((e) => (e.data as { i: number }).i)).toEqual([2]);
          const caughtUpAt = probe.messages.findIndex((m) => m.kind === 'caughtUp');
          await store.append(s, [event(T('S'), { i: 3 })], 2n);
          await store.append(stream('sub-other'), [event(T('S'), { i: 99 })], 'no_stream');
          await store.append(s, [event(T('S'), { i: 4 })], 3n);
          await probe.until('two live events', (p) => p.events.length === 3);
          expect(probe.events.map((e) => (e.data as { i: number }).i)).toEqual([2, 3, 4]);
          const liveAt = probe.messages.findIndex((m) => m.kind === 'event' && (m.event.data as { i: number }).i === 3);
          expect(liveAt).toBeGreaterThan(caughtUpAt);
        } finally {
          await probe.stop();
        }
      });

      it('filters by event type and reports checkpoints past events it filtered out', async () => {
        const s = stream('sub-type');
        const head = await store.append(s, [event(T('Seen'))], 'no_stream');
        const probe = new SubscriptionProbe(store, { fromPosition: head.position, filter: { eventTypePrefixes: [T('Wanted')] } });
        try {
          await probe.until('catch-up', (p) => p.caughtUp);
          await store.append(s, Array.from({ length: 40 }, () => event(T('Unwanted'))), 0n);
          // Progress past filtered-out events shows only as checkpoints (KurrentDB decides how
          // often; at least one comes within its 32-event window).
          const checkpoints = () => probe.messages.flatMap((m) => (m.kind === 'checkpoint' ? [m.position] : []));
          await probe.until('a checkpoint past the filtered-out events', () =>
            checkpoints().some((c) => comparePositions(c, head.position) > 0),
          );
          await store.append(s, [event(T('Wanted'))], 40n);
          await probe.until('the wanted event', (p) => p.events.length === 1);
          expect(probe.events.map((e) => e.type)).toEqual([T('Wanted')]);
          const seen = checkpoints();
          for (let i = 1; i < seen.length; i++) expect(comparePositions(seen[i - 1]!, seen[i]!)).toBeLessThanOrEqual(0);
        } finally {
          await probe.stop();
        }
      });

      it('ends the iteration when its signal aborts', async () => {
        const probe = new SubscriptionProbe(store, { fromPosition: 'end', filter: ours });
        await probe.until('catch-up', (p) => p.caughtUp);
        await probe.stop();
        const before = probe.messages.length;
        await store.append(stream('after-abort'), [event(T('Late'))], 'no_stream');
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(probe.messages.length).toBe(before);
      });

      it('resumes from a stored checkpoint after a restart without replaying what it saw', async () => {
        const s = stream('resume');
        const filter = { streamNamePrefixes: [s] };
        await store.append(s, [event(T('R'), { i: 0 }), event(T('R'), { i: 1 })], 'no_stream');
        const first = new SubscriptionProbe(store, { filter });
        await first.until('two events', (p) => p.events.length === 2);
        await first.stop();
        const checkpoint = first.events[1]!.position;
        await store.append(s, [event(T('R'), { i: 2 })], 1n);
        if (harness.restart) store = await harness.restart(store, now);
        const second = new SubscriptionProbe(store, { fromPosition: checkpoint, filter });
        try {
          await second.until('catch-up', (p) => p.caughtUp);
          expect(second.events.map((e) => (e.data as { i: number }).i)).toEqual([2]);
          expect((await collect(store.readStream(s))).length).toBe(3);
        } finally {
          await second.stop();
        }
      });
    });

    retentionContract({
      store: () => store,
      stream,
      type: T,
      shiftClock: (ms) => {
        clockShift = ms;
      },
      maxAgeOf: harness.maxAgeOf,
      embedded: harness.embedded,
    });
  });
}
