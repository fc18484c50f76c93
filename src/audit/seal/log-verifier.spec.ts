import { describe, expect, it } from '@jest/globals';
import { type EventStore, MemoryEventStore, type RecordedEvent } from '#event-store';
import { LogVerifier, type VerifyOptions } from './log-verifier.js';
import type { LogSealedData } from './seal-format.js';
import { sealKey, tamperedView, testHasher, testSealer } from './testing/seal-fixtures.js';

const hasher = testHasher();
const DAY_MS = 86_400_000;
const options = (changes: Partial<VerifyOptions> = {}): VerifyOptions => ({ now: Date.now(), retentionAuthorizationCodeDays: 30, retentionAuditDays: 400, ...changes });
const verify = (store: EventStore, changes: Partial<VerifyOptions> = {}) => new LogVerifier(store, sealKey(hasher), options(changes)).verify();

/**
 * Positions 1-4 and 6-8 are events, sealed in two seals of 4 and 3 (the first seal is at 5, the
 * second at 9), then 10-11 are events not sealed yet.
 */
async function sealedLog(streams: string[] = ['client-a', 'client-a', 'grant-b', 'client-c', 'client-a', 'grant-b', 'client-d']): Promise<MemoryEventStore> {
  const store = new MemoryEventStore();
  const sealer = testSealer(store, hasher, { events: 4 });
  sealer.start();
  for (const [i, stream] of streams.entries()) {
    await store.append(stream, [{ type: 'Happened', data: { i } }], 'any');
    if (i === 3) await sealer.flush();
  }
  await sealer.beforeApplicationShutdown();
  await store.append('client-e', [{ type: 'Happened', data: { i: 7 } }], 'any');
  await store.append('client-e', [{ type: 'Happened', data: { i: 8 } }], 'any');
  return store;
}

const at = (events: RecordedEvent[], position: number) => events.findIndex((event) => event.position.commit === BigInt(position));
const withoutPosition = (position: number) => (events: RecordedEvent[]) => events.filter((event) => event.position.commit !== BigInt(position));

describe('LogVerifier', () => {
  it('accepts an untouched log and reports its head and the unsealed tail', async () => {
    const report = await verify(await sealedLog());
    expect(report).toEqual({
      ok: true,
      seals: 2,
      sealedEvents: 7,
      expired: 0,
      erased: 0,
      unsealedTail: 2,
      head: { sequence: 1, through: '8/8', chain: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) },
      firstBad: null,
    });
  });

  it('names an edited event', async () => {
    const store = tamperedView(await sealedLog(), {
      all: (events) => events.map((event) => (event.position.commit === 3n ? { ...event, data: { i: 99 } } : event)),
    });
    expect(await verify(store)).toMatchObject({ ok: false, seals: 0, firstBad: { position: '3/3', reason: 'edited', stream: 'grant-b', revision: '0', seal: 0 } });
  });

  it('names a deleted event where it was expected, or at the end of its seal', async () => {
    const log = await sealedLog();
    expect((await verify(tamperedView(log, { all: withoutPosition(7) }))).firstBad).toEqual({ position: '8/8', reason: 'deleted', stream: 'client-d', revision: '0', seal: 1 });
    expect((await verify(tamperedView(log, { all: withoutPosition(8) }))).firstBad).toEqual({ position: '8/8', reason: 'deleted', seal: 1 });
  });

  it('names an inserted event', async () => {
    const store = tamperedView(await sealedLog(), {
      all: (events) => {
        const forged = { ...events[at(events, 2)]!, id: 'forged', revision: 7n, position: { commit: 2n, prepare: 2n } };
        return [...events.slice(0, at(events, 2)), forged, ...events.slice(at(events, 2))];
      },
    });
    expect((await verify(store)).firstBad).toMatchObject({ position: '2/2', reason: 'inserted', revision: '7', seal: 0 });
  });

  it('names reordered events', async () => {
    const store = tamperedView(await sealedLog(), {
      all: (events) => {
        const swapped = [...events];
        [swapped[at(events, 2)], swapped[at(events, 4)]] = [events[at(events, 4)]!, events[at(events, 2)]!];
        return swapped;
      },
    });
    expect((await verify(store)).firstBad).toMatchObject({ position: '4/4', reason: 'reordered', stream: 'client-c', seal: 0 });
  });

  it('names an altered seal and a missing one', async () => {
    const log = await sealedLog();
    const altered = tamperedView(log, {
      seals: (seals) => seals.map((seal) => (seal.revision === 1n ? { ...seal, data: { ...seal.data, entries: [...(seal.data as LogSealedData).entries].reverse() } } : seal)),
    });
    expect(await verify(altered)).toMatchObject({ ok: false, seals: 1, firstBad: { position: '8/8', reason: 'seal_altered', seal: 1 } });
    const missing = tamperedView(log, { seals: (seals) => seals.filter((seal) => seal.revision !== 0n) });
    expect((await verify(missing)).firstBad).toMatchObject({ position: '1/1', reason: 'seal_missing', seal: 0 });
  });

  it('accepts authorization codes and audit days removed by retention, once they are old enough', async () => {
    const log = await sealedLog(['client-a', 'authcode-x', 'audit-2026-01-01', 'client-b', 'client-c', 'authcode-y', 'client-d']);
    const retained = tamperedView(log, { all: (events) => events.filter((event) => event.stream !== 'authcode-x' && event.stream !== 'audit-2026-01-01') });
    expect((await verify(retained)).firstBad).toMatchObject({ position: '4/4', reason: 'deleted', seal: 0 });
    expect((await verify(retained, { now: Date.now() + 31 * DAY_MS })).firstBad).toMatchObject({ position: '4/4', reason: 'deleted' });
    expect(await verify(retained, { now: Date.now() + 401 * DAY_MS })).toMatchObject({ ok: true, expired: 2, sealedEvents: 7 });
  });

  it("accepts a forgotten subject's deleted personal-data key, and only when a sealed erasure records it", async () => {
    const log = await sealedLog(['client-a', 'personal-key-ref1-0', 'client-b', 'client-c']);
    const erased = tamperedView(log, { all: (events) => events.filter((event) => event.stream !== 'personal-key-ref1-0') });
    expect((await verify(erased)).firstBad).toMatchObject({ position: '3/3', reason: 'deleted' });
    await log.append('personal-erasure-ref1', [{ type: 'PersonalDataErased', data: { keyId: 'ref1-1', subject: 's', erasedAt: 0 } }], 'any');
    expect((await verify(erased)).firstBad).toMatchObject({ reason: 'deleted' });
    await log.append('personal-erasure-ref1', [{ type: 'PersonalDataErased', data: { keyId: 'ref1-0', subject: 's', erasedAt: 0 } }], 'any');
    // Not yet sealed: whoever can append could otherwise delete a key and call it erased.
    expect((await verify(erased)).firstBad).toMatchObject({ position: '3/3', reason: 'deleted' });
    const sealer = testSealer(log, hasher, { events: 100 });
    sealer.start();
    await sealer.beforeApplicationShutdown();
    expect(await verify(erased)).toMatchObject({ ok: true, erased: 1, unsealedTail: 0 });
  });

  it('rejects a log sealed under another key', async () => {
    const report = await new LogVerifier(await sealedLog(), sealKey(testHasher()), options()).verify();
    expect(report.firstBad).toMatchObject({ position: '4/4', reason: 'seal_altered', seal: 0 });
  });
});
