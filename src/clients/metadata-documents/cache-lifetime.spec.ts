import { describe, expect, it } from '@jest/globals';
import { documentLifetimeMs } from './cache-lifetime.js';

describe('documentLifetimeMs', () => {
  it.each([
    [undefined, 300_000],
    ['public', 300_000],
    ['max-age=600', 600_000],
    ['public, max-age=3600', 3_600_000],
    ['Max-Age="120"', 120_000],
    ['max-age=0', 60_000],
    ['max-age=5', 60_000],
    ['max-age=31536000', 86_400_000],
    ['max-age=99999999999999999', 300_000],
    ['no-store', 60_000],
    ['max-age=3600, no-store', 60_000],
    ['no-cache', 60_000],
    ['max-age=abc', 300_000],
  ])('Cache-Control %s → %d ms', (header, lifetime) => {
    expect(documentLifetimeMs(header)).toBe(lifetime);
  });
});
