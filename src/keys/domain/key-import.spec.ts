import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { importableKey, importKeyEvents, InvalidImportedKeyError, SigningKeyConflictError } from './key-import.js';
import { DEFAULT_ROTATION_POLICY, decisionEvents, type NewKeyMaterial } from './rotation-policy.js';
import { evolveSigningKeys, INITIAL_SIGNING_KEYS, type SigningKeysState } from './signing-keys.evolver.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const sealed = { kekId: 'kek', ciphertext: 'x' };
const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

function material(kid: string): NewKeyMaterial {
  return { kid, publicJwk: importableKey(kid, rsa()).publicJwk, privateKey: sealed };
}

/** A state with an active RS256 key and a pending one, as a rotation in progress leaves it. */
function rotating(): SigningKeysState {
  const active = decisionEvents({ kind: 'generate-and-activate', alg: 'RS256' }, T0, DEFAULT_ROTATION_POLICY, material('old'));
  const pending = decisionEvents({ kind: 'generate', alg: 'RS256', activateAfter: T0 + 1000 }, T0, DEFAULT_ROTATION_POLICY, material('next'));
  return [...active, ...pending].reduce(evolveSigningKeys, INITIAL_SIGNING_KEYS);
}

describe('importing a signing key', () => {
  it('keeps the given kid in the JWK, and refuses non-RSA keys and unprintable kids', () => {
    expect(importableKey('18446744073709551615', rsa()).publicJwk).toMatchObject({ kid: '18446744073709551615', kty: 'RSA', alg: 'RS256' });
    expect(() => importableKey('7', generateKeyPairSync('ed25519').privateKey)).toThrow(InvalidImportedKeyError);
    expect(() => importableKey('a b', rsa())).toThrow(InvalidImportedKeyError);
  });

  it('on a fresh stream: publishes and activates the key at once', () => {
    const events = importKeyEvents(INITIAL_SIGNING_KEYS, 'RS256', material('42'), T0, DEFAULT_ROTATION_POLICY);
    expect(events.map((event) => [event.type, event.data.kid])).toEqual([['SigningKeyGenerated', '42'], ['SigningKeyActivated', '42']]);
    const state = events.reduce(evolveSigningKeys, INITIAL_SIGNING_KEYS);
    expect(state.active.RS256).toBe('42');
    expect(state.keys['42']!.activatedAt).toBe(new Date(T0).toISOString());
  });

  it('retires both the active key and a pending one, so the import stays the active key', () => {
    const state = rotating();
    const events = importKeyEvents(state, 'RS256', material('42'), T0 + 10, DEFAULT_ROTATION_POLICY);
    expect(events.map((event) => [event.type, event.data.kid])).toEqual([
      ['SigningKeyGenerated', '42'],
      ['SigningKeyRetired', 'next'],
      ['SigningKeyRetired', 'old'],
      ['SigningKeyActivated', '42'],
    ]);
    const after = events.reduce(evolveSigningKeys, state);
    expect(after.active.RS256).toBe('42');
    expect(Object.values(after.keys).filter((key) => key.status !== 'retired').map((key) => key.kid)).toEqual(['42']);
  });

  it('is a no-op for the very same key, and refuses another key under a taken kid', () => {
    const imported = material('42');
    const state = importKeyEvents(INITIAL_SIGNING_KEYS, 'RS256', imported, T0, DEFAULT_ROTATION_POLICY).reduce(evolveSigningKeys, INITIAL_SIGNING_KEYS);
    expect(importKeyEvents(state, 'RS256', { ...imported, privateKey: { kekId: 'kek', ciphertext: 'y' } }, T0, DEFAULT_ROTATION_POLICY)).toEqual([]);
    expect(() => importKeyEvents(state, 'RS256', material('42'), T0, DEFAULT_ROTATION_POLICY)).toThrow(SigningKeyConflictError);
  });
});
