import { describe, expect, it } from '@jest/globals';
import { FixedClock } from '../clock.js';
import { SlidingWindow } from './sliding-window.js';

const MINUTE = 60_000;

describe('SlidingWindow', () => {
  it('allows `limit` events per window, then says how long until the oldest that matters leaves', () => {
    const clock = new FixedClock(1_000_000);
    const window = new SlidingWindow({ limit: 3, windowMs: MINUTE });
    for (let i = 0; i < 3; i++) {
      expect(window.take('a', clock.now())).toBe(0);
      clock.advance(10_000);
    }
    // Events at 0 s, 10 s, 20 s; now 30 s: the one at 0 s leaves at 60 s.
    expect(window.take('a', clock.now())).toBe(30);
    expect(window.retryAfterSeconds('b', clock.now())).toBe(0);
    clock.advance(29_999);
    expect(window.retryAfterSeconds('a', clock.now())).toBe(1);
    clock.advance(1);
    expect(window.take('a', clock.now())).toBe(0);
    // Now 10 s, 20 s, 60 s are in the window: full again until 70 s.
    expect(window.retryAfterSeconds('a', clock.now())).toBe(10);
  });

  it('counts nothing when take refuses, and forgets a cleared key', () => {
    const window = new SlidingWindow({ limit: 1, windowMs: MINUTE });
    expect(window.take('a', 0)).toBe(0);
    for (let i = 0; i < 5; i++) expect(window.take('a', 1000)).toBe(59);
    expect(window.take('a', MINUTE)).toBe(0);
    window.clear('a');
    expect(window.retryAfterSeconds('a', MINUTE)).toBe(0);
  });

  it('keeps at most maxKeys keys, forgetting the one counted least recently', () => {
    const window = new SlidingWindow({ limit: 1, windowMs: MINUTE, maxKeys: 2 });
    window.record('a', 0);
    window.record('b', 0);
    window.record('a', 1); // a is now more recent than b
    window.record('c', 2);
    expect(window.size).toBe(2);
    expect(window.retryAfterSeconds('b', 3)).toBe(0);
    expect(window.retryAfterSeconds('a', 3)).toBe(60);
    expect(window.retryAfterSeconds('c', 3)).toBe(60);
  });

  it('forgets a key once all its events have left the window', () => {
    const window = new SlidingWindow({ limit: 2, windowMs: MINUTE });
    window.record('a', 0);
    expect(window.size).toBe(1);
    expect(window.retryAfterSeconds('a', MINUTE)).toBe(0);
    expect(window.size).toBe(0);
  });

  it('is exact for large budgets in a burst and stays within one slice of the window when spread', () => {
    const window = new SlidingWindow({ limit: 600, windowMs: MINUTE });
    for (let i = 0; i < 600; i++) expect(window.take('rp', 0)).toBe(0);
    expect(window.take('rp', 0)).toBe(60);
    expect(window.take('rp', MINUTE)).toBe(0);

    // 6000 events spread evenly over ten minutes: at most 600 (plus one merge slice, < 2%) in any minute.
    const spread = new SlidingWindow({ limit: 600, windowMs: MINUTE });
    const admitted: number[] = [];
    for (let t = 0; t < 10 * MINUTE; t += 25) if (spread.take('rp', t) === 0) admitted.push(t);
    for (let start = 0; start + MINUTE <= 10 * MINUTE; start += 5000) {
      const inWindow = admitted.filter((t) => t >= start && t < start + MINUTE).length;
      expect(inWindow).toBeLessThanOrEqual(600 + Math.ceil(600 / 64));
    }
    expect(admitted.length).toBeGreaterThanOrEqual(10 * 600 - 600);
  });

  it('keeps bounded memory per key whatever the budget', () => {
    const window = new SlidingWindow({ limit: 100_000, windowMs: MINUTE });
    for (let t = 0; t < MINUTE; t += 7) window.record('k', t);
    const entries = (window as unknown as { entries: Map<string, number[]> }).entries.get('k')!;
    expect(entries.length / 2).toBeLessThanOrEqual(64);
  });

  it('refuses a budget that is not positive', () => {
    expect(() => new SlidingWindow({ limit: 0, windowMs: MINUTE })).toThrow(/limit/);
    expect(() => new SlidingWindow({ limit: 1.5, windowMs: MINUTE })).toThrow(/limit/);
    expect(() => new SlidingWindow({ limit: 1, windowMs: 0 })).toThrow(/windowMs/);
  });
});
