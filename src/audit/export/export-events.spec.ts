import { describe, expect, it } from '@jest/globals';
import { MemoryEventStore, type EventStore, type ReadAllOptions, type RecordedEvent } from '#event-store';
import { EXPORT_CHUNK_LENGTH, exportEvents } from './export-events.js';
import type { ExportFilter, ExportFormat } from './export-filter.js';
import type { GrantsOf } from './export-matcher.js';

interface Line {
  position: string;
  stream: string;
  type: string;
  revision: number;
  created_at: string;
}

async function text(store: EventStore, filter: ExportFilter, format: ExportFormat = 'ndjson', grantsOf?: GrantsOf): Promise<string> {
  let all = '';
  for await (const chunk of exportEvents(store, filter, format, grantsOf)) all += chunk;
  return all;
}

const lines = async (store: EventStore, filter: ExportFilter, grantsOf?: GrantsOf): Promise<Line[]> =>
  (await text(store, filter, 'ndjson', grantsOf)).split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Line);

/** A small log over two days, grants of two people with two clients; time moves an hour per event. */
async function sampleLog(): Promise<{ store: MemoryEventStore; start: number }> {
  const start = Date.parse('2025-01-01T00:00:00Z');
  let now = start;
  const store = new MemoryEventStore({ now: () => (now += 3_600_000) });
  await store.append('client-grafana', [{ type: 'ClientRegistered', data: { clientId: 'grafana' } }], 'no_stream');
  await store.append('client-wiki', [{ type: 'ClientRegistered', data: { clientId: 'wiki' } }], 'no_stream');
  await store.append('grant-g1', [{ type: 'GrantIssued', data: { grantId: 'g1', subject: 'ada', clientId: 'grafana' } }], 'no_stream');
  await store.append('grant-g2', [{ type: 'GrantIssued', data: { grantId: 'g2', subject: 'bob', clientId: 'wiki' } }], 'no_stream');
  await store.append('audit-2025-01-01', [{ type: 'LoginSucceeded', data: { subject: 'ada', clientId: 'wiki' } }], 'any');
  await store.append('grant-g1', [{ type: 'RefreshTokenRotated', data: { rotatedAt: 1 } }], 0n);
  await store.append('grant-g2', [{ type: 'GrantRevoked', data: { reason: 'logout' } }], 0n);
  await store.append('client-grafana', [{ type: 'ClientUpdated', data: { clientId: 'grafana' } }], 0n);
  await store.append('signing-keys', [{ type: 'SigningKeyGenerated', data: { kid: 'k1' } }], 'any');
  return { store, start };
}

const described = (records: Line[]) => records.map((record) => `${record.stream}:${record.type}`);

describe('exportEvents', () => {
  it('exports the whole log in $all order, the same records in every format', async () => {
    const { store } = await sampleLog();
    const ndjson = await lines(store, {});
    expect(ndjson.map((record) => record.position)).toEqual(['1/1', '2/2', '3/3', '4/4', '5/5', '6/6', '7/7', '8/8', '9/9']);
    expect(JSON.parse(await text(store, {}, 'json'))).toEqual(ndjson);
    const csv = (await text(store, {}, 'csv')).split('\r\n');
    expect(csv[0]).toBe('position,created_at,stream,revision,type,id,actor,data,metadata');
    expect(csv.slice(1, -1).map((line) => line.split(',')[0])).toEqual(ndjson.map((record) => record.position));
    expect(await text(store, { types: ['Nothing'] }, 'json')).toBe('[]\n');
  });

  it('filters by time (from inclusive, to exclusive) and by position (after exclusive, until inclusive)', async () => {
    const { store, start } = await sampleLog();
    const byTime = await lines(store, { from: new Date(start + 2 * 3_600_000), to: new Date(start + 4 * 3_600_000) });
    expect(byTime.map((record) => record.position)).toEqual(['2/2', '3/3']);
    const byPosition = await lines(store, { after: { commit: 3n, prepare: 3n }, until: { commit: 5n, prepare: 5n } });
    expect(byPosition.map((record) => record.position)).toEqual(['4/4', '5/5']);
    expect((await lines(store, { after: { commit: 2n, prepare: 2n }, limit: 2 })).map((record) => record.position)).toEqual(['3/3', '4/4']);
  });

  it('resuming after the last position received gives exactly the remainder', async () => {
    const { store } = await sampleLog();
    const all = await lines(store, {});
    const first = await lines(store, { limit: 4 });
    const rest = await lines(store, { after: { commit: 4n, prepare: 4n } });
    expect([...first, ...rest]).toEqual(all);
  });

  it('filters by exact type and by stream category', async () => {
    const { store } = await sampleLog();
    expect(described(await lines(store, { types: ['GrantIssued', 'ClientUpdated'] }))).toEqual(['grant-g1:GrantIssued', 'grant-g2:GrantIssued', 'client-grafana:ClientUpdated']);
    expect(described(await lines(store, { categories: ['signing', 'audit'] }))).toEqual(['audit-2025-01-01:LoginSucceeded', 'signing-keys:SigningKeyGenerated']);
    // The store's prefix filter lets `grants` through for `grant`; the exact check does not.
    await store.append('grants-index', [{ type: 'Noise', data: {} }], 'any');
    expect(described(await lines(store, { categories: ['grant'], types: ['GrantRevoked'] }))).toEqual(['grant-g2:GrantRevoked']);
  });

  it("matches a subject's events by data.subject and by its grants' streams, known or issued during the export", async () => {
    const { store } = await sampleLog();
    const asked: unknown[] = [];
    const known: GrantsOf = (owner) => (asked.push(owner), 'subject' in owner && owner.subject === 'bob' ? ['g2'] : []);
    expect(described(await lines(store, { subject: 'bob' }, known))).toEqual(['grant-g2:GrantIssued', 'grant-g2:GrantRevoked']);
    expect(asked).toEqual([{ subject: 'bob' }]);
    // Not in the read model, but its GrantIssued was exported: the grant's later events follow.
    expect(described(await lines(store, { subject: 'ada' }, () => []))).toEqual(['grant-g1:GrantIssued', 'audit-2025-01-01:LoginSucceeded', 'grant-g1:RefreshTokenRotated']);
    // Resuming past GrantIssued, only the read model knows the grant is Bob's.
    expect(described(await lines(store, { subject: 'bob', after: { commit: 4n, prepare: 4n } }, known))).toEqual(['grant-g2:GrantRevoked']);
  });

  it("matches a client's stream, events naming it, and its grants' events", async () => {
    const { store } = await sampleLog();
    expect(described(await lines(store, { client: 'wiki' }))).toEqual(['client-wiki:ClientRegistered', 'grant-g2:GrantIssued', 'audit-2025-01-01:LoginSucceeded', 'grant-g2:GrantRevoked']);
    expect(described(await lines(store, { client: 'wiki', subject: 'ada' }))).toEqual(['audit-2025-01-01:LoginSucceeded']);
  });

  it('hands out chunks of about 64 KiB and stops reading when the consumer stops', async () => {
    const store = new MemoryEventStore();
    const payload = 'x'.repeat(1000);
    for (let batch = 0; batch < 4; batch++) {
      await store.append('bulk-1', Array.from({ length: 100 }, (_, n) => ({ type: 'Bulk', data: { n, payload } })), 'any');
    }
    const chunks: string[] = [];
    for await (const chunk of exportEvents(store, {}, 'ndjson')) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(4);
    for (const chunk of chunks.slice(0, -1)) expect(chunk.length).toBeGreaterThanOrEqual(EXPORT_CHUNK_LENGTH);
    expect(chunks.join('').split('\n')).toHaveLength(401);

    let read = 0;
    let finished = false;
    const counting: EventStore = Object.assign(Object.create(store) as EventStore, {
      async *readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
        try {
          for await (const event of store.readAll(options)) {
            read++;
            yield event;
          }
        } finally {
          finished = true;
        }
      },
    });
    const iterator = exportEvents(counting, {}, 'ndjson');
    await iterator.next();
    await iterator.return();
    expect(finished).toBe(true);
    expect(read).toBeLessThan(400);
  });

  it('asks the store to pre-filter by type or category, from the position after', async () => {
    const seen: Array<ReadAllOptions | undefined> = [];
    const store = new MemoryEventStore();
    const spy: EventStore = Object.assign(Object.create(store) as EventStore, {
      readAll: (options?: ReadAllOptions) => (seen.push(options), store.readAll(options)),
    });
    await text(spy, { types: ['A'], categories: ['b'], after: { commit: 7n, prepare: 7n } });
    await text(spy, { categories: ['b'] });
    expect(seen).toEqual([
      { fromPosition: { commit: 7n, prepare: 7n }, filter: { eventTypePrefixes: ['A'] } },
      { fromPosition: 'start', filter: { streamNamePrefixes: ['b'] } },
    ]);
  });
});
