import { describe, expect, it } from '@jest/globals';
import { assertClientId, generateClientId } from '../clients/domain/client-id.js';
import { newGrantId, randomId } from './ids.js';

describe('random ids', () => {
  it('never start with a character a command line reads as an option', () => {
    // About 1 in 32 raw base64url draws starts with "-"; 5,000 draws would all but surely show one.
    const ids = Array.from({ length: 5000 }, () => randomId(18));
    expect(ids.every((id) => /^[A-Za-z0-9][A-Za-z0-9_-]{23}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(newGrantId()).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{21}$/);
  });

  it('make client ids the client-id rule accepts, and the rule refuses a leading dash', () => {
    expect(assertClientId(generateClientId())).toHaveLength(24);
    expect(() => assertClientId('-ze7Fg9sFfug89hvj-V6RsBQ')).toThrow();
  });
});
