import { describe, expect, it } from '@jest/globals';
import { ExpiringCache } from './expiring-cache.js';

describe('ExpiringCache', () => {
  it('keeps entries for the time to live, cached nulls included', () => {
    let now = 0;
    const cache = new ExpiringCache<string | null>(100, 10, () => now);
    cache.set('a', null);
    expect(cache.get('a')).toEqual({ value: null });
    expect(cache.get('b')).toBeUndefined();
    now = 99;
    expect(cache.get('a')).toEqual({ value: null });
    now = 100;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used entry beyond its bound', () => {
    const cache = new ExpiringCache<number>(1000, 3, () => 0);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect(cache.get('a')).toEqual({ value: 1 });
    cache.set('d', 4);
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([{ value: 1 }, { value: 3 }, { value: 4 }]);
  });
});
