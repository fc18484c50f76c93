import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { BACKWARDS, KurrentDBClient, jsonEvent } from '@kurrent/kurrentdb-client';
import { KurrentDbWireFake } from './index.js';
import { uuid, uuidText } from './messages.js';

// The fake's own behaviour where the adapter does not reach it (stream subscriptions, raw
// client calls). The adapter's tests are in adapters/kurrentdb.event-store.spec.ts.
describe('KurrentDB wire fake', () => {
  let fake: KurrentDbWireFake;
  let client: KurrentDBClient;

  beforeAll(async () => {
    fake = new KurrentDbWireFake();
    const { connectionString } = await fake.start();
    expect(connectionString).toMatch(/^kurrentdb:\/\/127\.0\.0\.1:\d+\?tls=false$/);
    client = KurrentDBClient.connectionString(connectionString);
  });
  afterAll(async () => {
    await client.dispose();
    await fake.stop();
  });

  it('round-trips ids in both UUID forms', () => {
    const id = randomUUID();
    expect(uuidText(uuid(id, 'string'))).toBe(id);
    expect(uuidText(uuid(id, 'structured'))).toBe(id);
    expect(uuidText(uuid('ffffffff-ffff-ffff-8000-000000000000', 'structured'))).toBe('ffffffff-ffff-ffff-8000-000000000000');
  });

  it('serves a stream subscription: after a revision, caught up, then live', async () => {
    const stream = `fake-sub-${randomUUID()}`;
    await client.appendToStream(stream, [0, 1, 2].map((i) => jsonEvent({ type: 'N', data: { i } })));
    const subscription = client.subscribeToStream(stream, { fromRevision: 0n });
    const caughtUp = new Promise((resolve) => subscription.once('caughtUp', resolve));
    const seen: unknown[] = [];
    for await (const resolved of subscription) {
      seen.push(resolved.event!.data);
      if (seen.length === 2) {
        await caughtUp;
        await client.appendToStream(stream, jsonEvent({ type: 'N', data: { i: 3 } }), { streamState: 2n });
      }
      if (seen.length === 3) break;
    }
    await subscription.unsubscribe();
    expect(seen).toEqual([{ i: 1 }, { i: 2 }, { i: 3 }]);
  });

  it('reads a stream backwards from a revision, inclusive, up to a count', async () => {
    const stream = `fake-read-${randomUUID()}`;
    await client.appendToStream(stream, [0, 1, 2, 3].map((i) => jsonEvent({ type: 'N', data: { i } })));
    const found: bigint[] = [];
    for await (const resolved of client.readStream(stream, { direction: BACKWARDS, fromRevision: 2n, maxCount: 2 })) {
      found.push(resolved.event!.revision);
    }
    expect(found).toEqual([2n, 1n]);
  });

  it('keeps system events in $all, as the server does', async () => {
    const types: string[] = [];
    for await (const resolved of client.readAll({ maxCount: 1 })) types.push(resolved.event!.type);
    expect(types).toEqual(['$metadata']);
  });
});
