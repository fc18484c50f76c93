import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { KurrentDBClient, binaryEvent } from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError, InvalidEventStoreInputError, WrongExpectedVersionError } from '../errors.js';
import type { EventStore } from '../event-store.js';
import { comparePositions } from '../position.js';
import { runEventStoreContract } from '../testing/event-store.contract.js';
import { collect, SubscriptionProbe } from '../testing/subscription-probe.js';
import { KurrentDbWireFake, type KurrentDbWireFakeOptions } from '../testing/kurrentdb-wire-fake/index.js';
import { KurrentDbEventStore } from './kurrentdb.event-store.js';

/** The contract on a fresh fake; `serverFeatures: false` makes the client append without BatchAppend. */
function runAgainstFake(name: string, options: KurrentDbWireFakeOptions): void {
  const fakes = new Map<EventStore, KurrentDbWireFake>();
  const started: KurrentDbWireFake[] = [];
  runEventStoreContract(name, {
    create: async () => {
      // The server stamps events with its own clock: the suite's clock does not reach it.
      const fake = new KurrentDbWireFake(options);
      started.push(fake);
      const { connectionString } = await fake.start();
      const store = new KurrentDbEventStore(connectionString);
      fakes.set(store, fake);
      return store;
    },
    restart: async (store) => {
      const fake = fakes.get(store)!;
      await store.close();
      const next = new KurrentDbEventStore(fake.connectionString);
      fakes.set(next, fake);
      return next;
    },
    seedStreamAt: async (store, stream, revision) => fakes.get(store)!.seedStreamAt(stream, revision),
    maxAgeOf: async (store, stream) => fakes.get(store)!.maxAge(stream),
    embedded: false,
    dispose: async () => {
      await Promise.all(started.splice(0).map((fake) => fake.stop()));
    },
  });
}

runAgainstFake('kurrentdb (real client, wire fake, BatchAppend)', {});
runAgainstFake('kurrentdb (real client, wire fake, plain Append)', { serverFeatures: false });

// The same suite against a real server when one is configured. The suite names its streams and
// event types uniquely per run, so a shared server with other data works; it cannot seed a
// stream at a revision there, so that one test is left out.
const realServer = process.env.KURRENTDB_CONNECTION_STRING;
if (realServer) {
  runEventStoreContract('kurrentdb (real server)', {
    create: async () => new KurrentDbEventStore(realServer),
    restart: async (store) => {
      await store.close();
      return new KurrentDbEventStore(realServer);
    },
    maxAgeOf: async (_store, stream) => {
      // Read back through the client itself: the stream's metadata as the server holds it.
      const client = KurrentDBClient.connectionString(realServer);
      try {
        const { metadata } = await client.getStreamMetadata(stream);
        return typeof metadata?.maxAge === 'number' ? metadata.maxAge : undefined;
      } finally {
        await client.dispose();
      }
    },
    embedded: false,
  });
} else {
  console.log('skipped: no KurrentDB server (set KURRENTDB_CONNECTION_STRING to run the contract suite against one)');
}

describe('KurrentDbEventStore through the real client against the wire fake', () => {
  let fake: KurrentDbWireFake;
  let store: KurrentDbEventStore;
  let counter = 0;
  const stream = (name: string) => `kdb-${name}-${++counter}`;

  beforeAll(async () => {
    // Positions past 2^53: a lossy number conversion anywhere would show.
    fake = new KurrentDbWireFake({ positionBase: 2n ** 60n, checkpointWindow: 4 });
    const { connectionString } = await fake.start();
    store = new KurrentDbEventStore(connectionString); // a runtime string: the client's function form
  });
  afterAll(async () => {
    await store.close();
    await fake.stop();
  });

  describe('append', () => {
    it('maps a version conflict to our WrongExpectedVersionError with the stream, expected and actual revision', async () => {
      const s = stream('conflict');
      await store.append(s, [{ type: 'Opened', data: {} }], 'no_stream');
      const refused = await store.append(s, [{ type: 'Opened', data: {} }], 'no_stream').catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(WrongExpectedVersionError);
      expect(refused).toMatchObject({ stream: s, expected: 'no_stream', actual: 0n });
      const missing = stream('absent');
      await expect(store.append(missing, [{ type: 'A', data: {} }], 3n)).rejects.toMatchObject({
        name: 'WrongExpectedVersionError',
        stream: missing,
        expected: 3n,
        actual: 'no_stream',
      });
      await expect(store.append(missing, [{ type: 'A', data: {} }], 'stream_exists')).rejects.toMatchObject({
        expected: 'stream_exists',
        actual: 'no_stream',
      });
    });

    it('returns bigint revisions and both halves of the position, exactly, past 2^53', async () => {
      const s = stream('positions');
      const result = await store.append(s, [{ type: 'A', data: {} }, { type: 'B', data: {} }], 'no_stream');
      expect(result.nextExpectedRevision).toBe(1n);
      expect(result.position.commit).toBeGreaterThan(2n ** 60n);
      // The fake puts prepare 50 below commit: a swapped or dropped half would not match.
      expect(result.position.prepare).toBe(result.position.commit - 50n);
      const [first, second] = await collect(store.readStream(s));
      expect(second!.position).toEqual(result.position);
      expect(first!.position.commit).toBe(result.position.commit - 100n);
      const fromAll = await collect(store.readAll({ filter: { streamNamePrefixes: [s] } }));
      expect(fromAll.map((e) => e.position)).toEqual([first!.position, second!.position]);
    });

    it('checks an empty append against the current revision, -1n for a missing stream', async () => {
      const s = stream('empty');
      expect(await store.append(s, [], 'any')).toEqual({ nextExpectedRevision: -1n, position: { commit: 0n, prepare: 0n } });
      await expect(store.append(s, [], 'stream_exists')).rejects.toBeInstanceOf(WrongExpectedVersionError);
      const written = await store.append(s, [{ type: 'A', data: {} }], 'no_stream');
      expect(await store.append(s, [], 'stream_exists')).toEqual(written);
      await expect(store.append(s, [], 1n)).rejects.toMatchObject({ expected: 1n, actual: 0n });
    });
  });

  describe('reads', () => {
    it('reads a stream the server reports as not found as empty', async () => {
      expect(await collect(store.readStream(stream('nothing')))).toEqual([]);
      expect(await collect(store.readStream(stream('nothing'), { direction: 'backwards', fromRevision: 5n }))).toEqual([]);
    });

    it('reads nothing forwards from the end and only the first event backwards from the start', async () => {
      // The bridge ignores the direction with start/end (it reads everything, the other way).
      const s = stream('edges');
      await store.append(s, [0, 1, 2].map((i) => ({ type: 'N', data: { i } })), 'no_stream');
      expect(await collect(store.readStream(s, { direction: 'forwards', fromRevision: 'end' }))).toEqual([]);
      const first = await collect(store.readStream(s, { direction: 'backwards', fromRevision: 'start' }));
      expect(first.map((e) => e.revision)).toEqual([0n]);
      expect(await collect(store.readAll({ direction: 'forwards', fromPosition: 'end' }))).toEqual([]);
      expect(await collect(store.readAll({ direction: 'backwards', fromPosition: 'start' }))).toEqual([]);
    });

    it('decodes payloads the client hands back as raw bytes', async () => {
      const s = stream('binary');
      const client = KurrentDBClient.connectionString(fake.connectionString);
      try {
        await client.appendToStream(
          s,
          binaryEvent({ type: 'Imported', data: Buffer.from('{"from":"elsewhere"}'), metadata: Buffer.from('{"actor":"etl"}') }),
        );
      } finally {
        await client.dispose();
      }
      const [event] = await collect(store.readStream(s));
      expect(event).toMatchObject({ type: 'Imported', data: { from: 'elsewhere' }, metadata: { actor: 'etl' }, revision: 0n });
    });

    it('never returns system events from $all, even without a filter or past a maxCount page', async () => {
      const s = stream('system');
      for (let i = 0; i < 4; i++) {
        fake.appendSystemEvent(); // `$metadata` in a `$$` stream: dropped by the server-side filter
        fake.appendSystemEvent('$stats-fake', 'StatsCollected'); // a `$` stream with a plain type: dropped here
        await store.append(s, [{ type: 'Visible', data: { i } }], 'any');
      }
      const everything = await collect(store.readAll());
      expect(everything.filter((e) => e.stream.startsWith('$') || e.type.startsWith('$'))).toEqual([]);
      const ours = { streamNamePrefixes: [s] };
      const last = await collect(store.readAll({ direction: 'backwards', maxCount: 3 }));
      expect(last.map((e) => e.data)).toEqual([{ i: 3 }, { i: 2 }, { i: 1 }]);
      const [firstOfOurs] = await collect(store.readAll({ filter: ours, maxCount: 1 }));
      const page = await collect(store.readAll({ fromPosition: firstOfOurs!.position, maxCount: 3 }));
      expect(page.map((e) => e.data)).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
      const back = await collect(store.readAll({ direction: 'backwards', fromPosition: page[2]!.position, maxCount: 2 }));
      expect(back.map((e) => e.data)).toEqual([{ i: 2 }, { i: 1 }]);
    });
  });

  describe('subscribeAll', () => {
    afterEach(async () => {
      // Every subscription a test opened has been cancelled on the server's side too.
      await until(() => fake.activeSubscriptions === 0);
    });

    it('excludes system events, live ones included, when no filter is given', async () => {
      const s = stream('sub-system');
      const probe = new SubscriptionProbe(store, { fromPosition: 'end' });
      try {
        await probe.until('catch-up', (p) => p.caughtUp);
        fake.appendSystemEvent();
        fake.appendSystemEvent('$stats-fake', 'StatsCollected');
        await store.append(s, [{ type: 'Visible', data: {} }], 'no_stream');
        await probe.until('the visible event', (p) => p.events.length === 1);
        expect(probe.events.map((e) => e.stream)).toEqual([s]);
      } finally {
        await probe.stop();
      }
    });

    it('keeps checkpoints in order with the events around them', async () => {
      const s = stream('sub-order');
      const start = await store.append(s, [{ type: 'Start', data: {} }], 'no_stream');
      const kinds = Array.from({ length: 30 }, (_, i) => (i % 7 === 3 ? 'Wanted' : 'Skipped'));
      await store.append(s, kinds.map((type, i) => ({ type, data: { i } })), 0n);
      const probe = new SubscriptionProbe(store, { fromPosition: start.position, filter: { eventTypePrefixes: ['Wanted'] } });
      try {
        await probe.until('catch-up', (p) => p.caughtUp);
        const positions = probe.messages.flatMap((m) =>
          m.kind === 'event' ? [m.event.position] : m.kind === 'checkpoint' ? [m.position] : [],
        );
        expect(probe.events).toHaveLength(kinds.filter((k) => k === 'Wanted').length);
        expect(positions.length).toBeGreaterThan(probe.events.length);
        for (let i = 1; i < positions.length; i++) expect(comparePositions(positions[i - 1]!, positions[i]!)).toBeLessThanOrEqual(0);
        expect(probe.messages.at(-1)).toEqual({ kind: 'caughtUp' });
      } finally {
        await probe.stop();
      }
    });

    it('stops and cancels the server call when the consumer leaves the loop', async () => {
      const s = stream('sub-break');
      await store.append(s, [{ type: 'A', data: {} }, { type: 'B', data: {} }], 'no_stream');
      const seen: string[] = [];
      for await (const message of store.subscribeAll({ filter: { streamNamePrefixes: [s] } })) {
        if (message.kind === 'event') seen.push(message.event.type);
        if (seen.length === 1) break;
      }
      expect(seen).toEqual(['A']);
    });

    it('ends cleanly when aborted while waiting for live events', async () => {
      const controller = new AbortController();
      const messages: string[] = [];
      const iteration = (async () => {
        for await (const message of store.subscribeAll({ fromPosition: 'end', signal: controller.signal })) messages.push(message.kind);
      })();
      await until(() => messages.includes('caughtUp'));
      controller.abort();
      await expect(iteration).resolves.toBeUndefined();
    });

    it('throws the subscription error to the consumer when the server goes away', async () => {
      const other = new KurrentDbWireFake();
      const { connectionString } = await other.start();
      const doomed = new KurrentDbEventStore(connectionString);
      const probe = new SubscriptionProbe(doomed, { fromPosition: 'start' });
      try {
        await probe.until('catch-up', (p) => p.caughtUp);
        await other.stop();
        await probe.finished;
        expect(probe.error).toBeInstanceOf(EventStoreUnavailableError);
        expect((probe.error as EventStoreUnavailableError).cause).toBeDefined();
      } finally {
        await doomed.close();
      }
    });
  });

  describe('retention and erasure', () => {
    it("writes $maxAge into the stream's metadata, keeping what the metadata already held", async () => {
      const s = stream('retained');
      await store.append(s, [{ type: 'AuthorizationCodeIssued', data: {} }], 'no_stream');
      const client = KurrentDBClient.connectionString(fake.connectionString);
      try {
        await client.setStreamMetadata(s, { maxCount: 5, owner: 'ops' });
        await store.setStreamMaxAge(s, 30 * 86_400);
        expect(fake.maxAge(s)).toBe(30 * 86_400);
        expect((await client.getStreamMetadata(s)).metadata).toEqual({ maxCount: 5, owner: 'ops', maxAge: 30 * 86_400 });
      } finally {
        await client.dispose();
      }
      expect(await store.compact()).toEqual({ removed: 0 });
    });

    it('tombstones: the server keeps the events in $all until a scavenge, but its $streamDeleted never comes out', async () => {
      const s = stream('tombstoned');
      await store.append(s, [{ type: 'Personal', data: {} }], 'no_stream');
      await store.deleteStream(s);
      expect(fake.isTombstoned(s)).toBe(true);
      const inAll = await collect(store.readAll({ filter: { streamNamePrefixes: [s] } }));
      expect(inAll.map((e) => e.type)).toEqual(['Personal']);
      const probe = new SubscriptionProbe(store, { filter: { streamNamePrefixes: [s] } });
      try {
        await probe.until('catch-up', (p) => p.caughtUp);
        expect(probe.events.map((e) => e.type)).toEqual(['Personal']);
      } finally {
        await probe.stop();
      }
    });
  });

  describe('close', () => {
    it('completes live subscriptions, cancels their calls and refuses further use', async () => {
      const own = new KurrentDbEventStore(fake.connectionString);
      const probe = new SubscriptionProbe(own, { fromPosition: 'end' });
      await probe.until('catch-up', (p) => p.caughtUp);
      await own.close();
      await probe.finished;
      expect(probe.error).toBeUndefined();
      await until(() => fake.activeSubscriptions === 0);
      await expect(own.append(stream('late'), [{ type: 'A', data: {} }], 'any')).rejects.toBeInstanceOf(EventStoreUnavailableError);
      expect(() => own.subscribeAll()).toThrow(EventStoreUnavailableError);
      await own.close();
    });
  });

  describe('unavailable server', () => {
    it('maps a refused connection to EventStoreUnavailableError with the cause', async () => {
      const gone = new KurrentDbWireFake();
      const { connectionString } = await gone.start();
      await gone.stop();
      // A short discovery interval: the bridge retries 10 times, 500 ms apart by default.
      const orphan = new KurrentDbEventStore(`${connectionString}&discoveryInterval=10`);
      try {
        const appended = await orphan.append(stream('nowhere'), [{ type: 'A', data: {} }], 'any').catch((e: unknown) => e);
        expect(appended).toBeInstanceOf(EventStoreUnavailableError);
        expect((appended as Error).cause).toBeDefined();
        const read = await collect(orphan.readStream(stream('nowhere'))).catch((e: unknown) => e);
        expect(read).toBeInstanceOf(EventStoreUnavailableError);
      } finally {
        await orphan.close();
      }
    });

    it('refuses a malformed connection string at construction, naming the option', () => {
      expect(() => new KurrentDbEventStore('http://not-kurrent')).toThrow(InvalidEventStoreInputError);
      expect(() => new KurrentDbEventStore('http://not-kurrent')).toThrow(expect.objectContaining({ field: 'connectionString' }));
    });
  });
});

/** Polls `predicate` every 10 ms for up to 5 s. */
async function until(predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
