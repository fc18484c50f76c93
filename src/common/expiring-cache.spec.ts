import { describe, expect, it } from '@jest/globals';
import { ExpiringCache } from './expiring-cache.js';

describe('ExpiringCache', () => {
  it('keeps each entry for its own lifetime, cached nulls included', () => {
    let now = 0;
    const cache = new ExpiringCache<string | null>(10, () => now);
    cache.set('short', null, 100);
    cache.set('long', 'b', 5000);
    expect(cache.get('short')).toEqual({ value: null });
    expect(cache.get('other')).toBeUndefined();
    now = 99;
    expect(cache.get('short')).toEqual({ value: null });
    now = 100;
    expect(cache.get('short')).toBeUndefined();
    expect(cache.get('long')).toEqual({ value: 'b' });
    expect(cache.size).toBe(1);
  });

  it('evicts the least recently used entry beyond its bound', () => {
    const cache = new ExpiringCache<number>(3, () => 0);
    cache.set('a', 1, 1000);
    cache.set('b', 2, 1000);
    cache.set('c', 3, 1000);
    expect(cache.get('a')).toEqual({ value: 1 });
    cache.set('d', 4, 1000);
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([{ value: 1 }, { value: 3 }, { value: 4 }]);
  });
});
