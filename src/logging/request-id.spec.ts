import { describe, expect, it } from '@jest/globals';
import { isSafeRequestId, requestIdFor } from './request-id.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids', () => {
  it('keeps a short token of safe characters from X-Request-Id', () => {
    for (const id of ['abc', 'req-1.2_3', 'A'.repeat(64), '0f8e4c2a-93b1-4f7e-9a55-2b4a1f9e7c10']) {
      expect(requestIdFor({ headers: { 'x-request-id': id } })).toBe(id);
    }
  });

  it('replaces anything else with a fresh UUID', () => {
    const unsafe = ['', 'A'.repeat(65), 'has space', 'quote"d', 'new\nline', 'tab\t', 'semi;colon', 'slash/ed', 'ünïcode', '{"level":"fatal"}'];
    for (const id of unsafe) {
      expect(isSafeRequestId(id)).toBe(false);
      expect(requestIdFor({ headers: { 'x-request-id': id } })).toMatch(UUID);
    }
    expect(requestIdFor({ headers: {} })).toMatch(UUID);
    // A repeated header reaches Node as an array (or joined): never taken as an id.
    expect(requestIdFor({ headers: { 'x-request-id': ['a', 'b'] as unknown as string } })).toMatch(UUID);
  });

  it('gives each request without an id a different one', () => {
    expect(requestIdFor({ headers: {} })).not.toBe(requestIdFor({ headers: {} }));
  });
});
