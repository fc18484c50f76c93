import { describe, expect, it } from '@jest/globals';
import { MAX_URL_LENGTH, readAbsoluteUrl } from './absolute-url.js';

describe('readAbsoluteUrl', () => {
  it('parses an absolute URL of any scheme', () => {
    for (const value of ['https://app.example/cb?x=1', 'http://127.0.0.1:8080/', 'com.example.app:/callback', 'urn:x:y']) {
      expect(readAbsoluteUrl(value)).toMatchObject({ ok: true, url: expect.any(URL) });
    }
  });

  it.each([
    ['', 'must not be empty'],
    [`https://a.example/${'x'.repeat(MAX_URL_LENGTH)}`, `at most ${MAX_URL_LENGTH}`],
    ['https://a.example/a b', 'spaces or control characters'],
    ['https://a.example/\u0000', 'spaces or control characters'],
    ['https://a.example/#f', 'fragment'],
    ['/relative', 'absolute URI'],
    ['https://user:pw@a.example/', 'user credentials'],
  ])('refuses %j: %s', (value, problem) => {
    const read = readAbsoluteUrl(value);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.problem).toContain(problem);
  });
});
