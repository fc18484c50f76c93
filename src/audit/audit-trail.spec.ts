import { describe, expect, it } from '@jest/globals';
import { MemoryEventStore, type RecordedEvent } from '#event-store';
import { FixedClock } from '../common/clock.js';
import { AuditTrail, type Denial } from './audit-trail.js';

const T0 = Date.parse('2026-11-24T10:00:00Z');
const denial = (ip: string, reason: Denial['reason'] = 'invalid_token'): Denial => ({ method: 'GET', path: '/api/v1/clients', reason, actor: null, ip });

async function recorded(store: MemoryEventStore): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for await (const event of store.readAll()) all.push(event);
  return all;
}

describe('AuditTrail', () => {
  it('records a refusal in the day stream, the address in the metadata, never failing the caller', async () => {
    const store = new MemoryEventStore();
    await new AuditTrail(store, new FixedClock(T0)).adminActionDenied({ ...denial('100.64.0.7', 'not_an_administrator'), actor: 'person:bob@example.com' });
    expect(await recorded(store)).toEqual([
      expect.objectContaining({
        stream: 'audit-2026-11-24',
        type: 'AdminActionDenied',
        data: { method: 'GET', path: '/api/v1/clients', reason: 'not_an_administrator', actor: 'person:bob@example.com', suppressed: 0 },
        metadata: expect.objectContaining({ actor: 'person:bob@example.com', ip: '100.64.0.7' }),
      }),
    ]);
    await store.close();
    await expect(new AuditTrail(store, new FixedClock(T0)).adminActionDenied(denial('100.64.0.7'))).resolves.toBeUndefined();
  });

  it('past 20 a minute per address and reason counts instead of writing, and the next record carries the count', async () => {
    const store = new MemoryEventStore();
    const clock = new FixedClock(T0);
    const trail = new AuditTrail(store, clock);
    for (let i = 0; i < 25; i++) await trail.adminActionDenied(denial('100.64.0.8'));
    await trail.adminActionDenied(denial('100.64.0.9'));
    await trail.adminActionDenied(denial('100.64.0.8', 'cross_site'));
    expect((await recorded(store)).length).toBe(22);
    clock.advance(60_000);
    await trail.adminActionDenied(denial('100.64.0.8'));
    const last = (await recorded(store)).at(-1)!;
    expect(last.data).toMatchObject({ reason: 'invalid_token', suppressed: 5 });
    await store.close();
  });
});
