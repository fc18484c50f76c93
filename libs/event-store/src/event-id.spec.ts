import { describe, expect, it } from '@jest/globals';
import { newEventId } from './event-id.js';

describe('newEventId', () => {
  it('is a lowercase RFC 9562 version 7 UUID carrying the time in milliseconds', () => {
    const now = Date.UTC(2026, 10, 23, 21, 0, 0, 123);
    const id = newEventId(now);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(now);
  });

  it('orders ids by time and never repeats one', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => newEventId(1_700_000_000_000 + Math.floor(i / 100)));
    expect(new Set(ids).size).toBe(ids.length);
    const prefixes = ids.map((id) => id.slice(0, 13));
    expect([...prefixes].sort()).toEqual(prefixes);
  });
});
