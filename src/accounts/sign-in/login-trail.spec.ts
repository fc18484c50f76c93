import { afterEach, describe, expect, it } from '@jest/globals';
import { MemoryEventStore } from '#event-store';
import { auditStream } from '../../audit/domain/audit.events.js';
import { FixedClock } from '../../common/clock.js';
import { LoginTrail } from './login-trail.js';

const stores: MemoryEventStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

describe('LoginTrail', () => {
  it('records successes and failures in the day\'s audit stream, with the address in the metadata', async () => {
    const store = new MemoryEventStore();
    stores.push(store);
    const clock = new FixedClock(Date.UTC(2026, 4, 1, 12));
    const trail = new LoginTrail(store, clock);
    await trail.succeeded({ subject: 'account:a1', method: 'approval', ip: '192.0.2.1', correlationId: 'c1' });
    await trail.failed({ accountId: 'a1', method: 'password', reason: 'invalid_credentials', ip: '192.0.2.2', correlationId: 'c2' });
    const events = [];
    for await (const event of store.readStream(auditStream(new Date(clock.now())))) events.push(event);
    expect(events.map((e) => ({ type: e.type, data: e.data, ip: e.metadata.ip, correlationId: e.metadata.correlationId }))).toEqual([
      { type: 'LoginSucceeded', data: { subject: 'account:a1', method: 'approval', clientId: null }, ip: '192.0.2.1', correlationId: 'c1' },
      { type: 'LoginFailed', data: { accountId: 'a1', subject: 'account:a1', method: 'password', reason: 'invalid_credentials', suppressed: 0 }, ip: '192.0.2.2', correlationId: 'c2' },
    ]);
  });

  it('past 20 failures a minute from one address, counts them and reports the count with the next one recorded', async () => {
    const store = new MemoryEventStore();
    stores.push(store);
    const clock = new FixedClock(Date.UTC(2026, 4, 1, 12));
    const trail = new LoginTrail(store, clock);
    const fail = (ip: string) => trail.failed({ accountId: null, method: 'password', reason: 'invalid_credentials', ip, correlationId: 'c' });
    for (let i = 0; i < 25; i++) await fail('198.51.100.1');
    await fail('198.51.100.2');
    clock.advance(60_000);
    await fail('198.51.100.1');
    const suppressed = [];
    for await (const event of store.readStream(auditStream(new Date(clock.now())))) suppressed.push([event.metadata.ip, event.data['suppressed']]);
    expect(suppressed).toHaveLength(22);
    expect(suppressed.at(-2)).toEqual(['198.51.100.2', 0]);
    expect(suppressed.at(-1)).toEqual(['198.51.100.1', 5]);
  });
});
