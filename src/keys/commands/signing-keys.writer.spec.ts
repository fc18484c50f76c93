import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { MemoryEventStore, type RecordedEvent } from '#event-store';
import { FixedClock } from '../../common/clock.js';
import { KeyEncryption } from '../../crypto/key-encryption.js';
import { DEFAULT_ROTATION_POLICY } from '../domain/rotation-policy.js';
import { SIGNING_KEYS_STREAM } from '../domain/signing-keys.events.js';
import { EnsureSigningKeysHandler } from './ensure-signing-keys.handler.js';
import { EnsureSigningKeysCommand } from './ensure-signing-keys.command.js';
import { RotateSigningKeysHandler } from './rotate-signing-keys.handler.js';
import { RotateSigningKeysCommand } from './rotate-signing-keys.command.js';
import { SigningKeysWriter } from './signing-keys.writer.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const context = { actor: 'test', correlationId: 'c-1' };

function setup() {
  const store = new MemoryEventStore();
  const clock = new FixedClock(T0);
  const encryption = new KeyEncryption({ pepper: randomBytes(32), kek: { id: 'kek-test', key: randomBytes(32) } });
  // Each handler gets its own writer, as each replica would.
  const writer = () => new SigningKeysWriter(store, encryption, clock, DEFAULT_ROTATION_POLICY);
  return {
    store,
    clock,
    encryption,
    ensure: () => new EnsureSigningKeysHandler(writer()).execute(new EnsureSigningKeysCommand(context)),
    rotate: (immediate = false) =>
      new RotateSigningKeysHandler(writer()).execute(new RotateSigningKeysCommand(['RS256', 'ES256', 'EdDSA'], immediate, context)),
  };
}

async function events(store: MemoryEventStore): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for await (const event of store.readStream(SIGNING_KEYS_STREAM)) all.push(event);
  return all;
}

const count = (all: RecordedEvent[], type: string) => all.filter((event) => event.type === type).length;

describe('signing-key commands', () => {
  it('N concurrent EnsureSigningKeys on a fresh store generate exactly one set of keys', async () => {
    const { store, ensure } = setup();
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => ensure()));
    expect(outcomes.filter((outcome) => outcome.appended.length > 0)).toHaveLength(1);
    const all = await events(store);
    expect(count(all, 'SigningKeyGenerated')).toBe(3);
    expect(count(all, 'SigningKeyActivated')).toBe(3);
    expect(all.every((event) => event.metadata.actor === 'test')).toBe(true);
    // Every loser ends on the winner's state.
    for (const outcome of outcomes) expect(Object.keys(outcome.state.keys).sort()).toEqual(all.filter((e) => e.type === 'SigningKeyGenerated').map((e) => e.data.kid).sort());
  });

  it('N concurrent rotations, and the scheduled ones racing them, produce one rotation', async () => {
    const { store, ensure, rotate, clock } = setup();
    await ensure();
    const outcomes = await Promise.all([rotate(), rotate(), rotate(), ensure(), rotate()]);
    expect(outcomes.filter((outcome) => outcome.appended.length > 0)).toHaveLength(1);
    expect(count(await events(store), 'SigningKeyGenerated')).toBe(6);

    clock.advance(DEFAULT_ROTATION_POLICY.prePublicationMs);
    await Promise.all([ensure(), ensure(), ensure()]);
    const all = await events(store);
    expect(count(all, 'SigningKeyActivated')).toBe(6);
    expect(count(all, 'SigningKeyRetired')).toBe(3);
  });

  it('immediate rotations racing each other rotate once', async () => {
    const { store, ensure, rotate } = setup();
    await ensure();
    await Promise.all([rotate(true), rotate(true), rotate(true)]);
    const all = await events(store);
    expect(count(all, 'SigningKeyGenerated')).toBe(6);
    expect(count(all, 'SigningKeyActivated')).toBe(6);
    expect(count(all, 'SigningKeyRetired')).toBe(3);
  });

  it('never writes private key material in clear: no JWK "d", no PEM, only a sealed PKCS#8 bound to the kid', async () => {
    const { store, ensure, rotate, encryption } = setup();
    await ensure();
    await rotate();
    const all = await events(store);
    const raw = JSON.stringify(all, (_key, value) => (typeof value === 'bigint' ? String(value) : value));
    expect(raw).not.toMatch(/"d"\s*:/);
    expect(raw).not.toMatch(/"(p|q|dp|dq|qi)"\s*:/);
    expect(raw).not.toContain('PRIVATE KEY');
    expect(raw).not.toContain('-----BEGIN');
    for (const event of all.filter((e) => e.type === 'SigningKeyGenerated')) {
      const { kid, privateKey } = event.data as { kid: string; privateKey: { kekId: string; ciphertext: string } };
      expect(privateKey.kekId).toBe('kek-test');
      expect(encryption.open(privateKey, kid).length).toBeGreaterThan(30);
      expect(() => encryption.open(privateKey, 'another-kid')).toThrow();
    }
  });
});
