import { describe, expect, it } from '@jest/globals';
import { ResolutionCache } from './resolution-cache.js';

describe('ResolutionCache', () => {
  it('expires each entry after its own lifetime', () => {
    let now = 0;
    const cache = new ResolutionCache<string>(10, () => now);
    cache.set('short', 'a', 1000);
    cache.set('long', 'b', 5000);
    now = 999;
    expect(cache.get('short')).toEqual({ value: 'a' });
    now = 1000;
    expect(cache.get('short')).toBeUndefined();
    expect(cache.get('long')).toEqual({ value: 'b' });
  });

  it('pushes out the least recently used entry beyond its bound', () => {
    const cache = new ResolutionCache<number>(2, () => 0);
    cache.set('a', 1, 1000);
    cache.set('b', 2, 1000);
    cache.get('a');
    cache.set('c', 3, 1000);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual({ value: 1 });
    expect(cache.get('c')).toEqual({ value: 3 });
  });
});
