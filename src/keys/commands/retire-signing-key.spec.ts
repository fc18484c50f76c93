import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { MemoryEventStore } from '#event-store';
import { FixedClock } from '../../common/clock.js';
import { loadAggregate } from '../../common/event-sourcing/aggregate-stream.js';
import { KeyEncryption } from '../../crypto/key-encryption.js';
import { UnknownSigningKeyError } from '../domain/key-retirement.js';
import { DEFAULT_ROTATION_POLICY, publishedKeys } from '../domain/rotation-policy.js';
import { SIGNING_KEYS_STREAM } from '../domain/signing-keys.events.js';
import { signingKeysEvolver } from '../domain/signing-keys.evolver.js';
import { EnsureSigningKeysCommand } from './ensure-signing-keys.command.js';
import { EnsureSigningKeysHandler } from './ensure-signing-keys.handler.js';
import { RetireSigningKeyCommand } from './retire-signing-key.command.js';
import { RetireSigningKeyHandler } from './retire-signing-key.handler.js';
import { RotateSigningKeysCommand } from './rotate-signing-keys.command.js';
import { RotateSigningKeysHandler } from './rotate-signing-keys.handler.js';
import { SigningKeysWriter } from './signing-keys.writer.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const context = { actor: 'person:admin@example.com', correlationId: 'c-1' };

async function setup() {
  const store = new MemoryEventStore();
  const clock = new FixedClock(T0);
  const encryption = new KeyEncryption({ pepper: randomBytes(32), kek: { id: 'kek-test', key: randomBytes(32) } });
  const writer = () => new SigningKeysWriter(store, encryption, clock, DEFAULT_ROTATION_POLICY);
  await new EnsureSigningKeysHandler(writer()).execute(new EnsureSigningKeysCommand(context));
  const state = async () => (await loadAggregate(store, SIGNING_KEYS_STREAM, signingKeysEvolver)).state;
  const retire = (kid: string, unpublishNow = false) => new RetireSigningKeyHandler(writer()).execute(new RetireSigningKeyCommand({ kid, unpublishNow }, context));
  const rotate = () => new RotateSigningKeysHandler(writer()).execute(new RotateSigningKeysCommand(['RS256'], false, context));
  return { store, clock, state, retire, rotate };
}

describe('retiring a signing key', () => {
  it('hands an active key over to a new one at once; the old stays in JWKS for its tokens', async () => {
    const { state, retire, clock } = await setup();
    const old = (await state()).active.RS256!;
    const outcome = await retire(old);
    expect(outcome.appended.map((event) => event.type)).toEqual(['SigningKeyGenerated', 'SigningKeyRetired', 'SigningKeyActivated']);
    const after = await state();
    expect(after.active.RS256).not.toBe(old);
    expect(after.keys[old]!.status).toBe('retired');
    expect(publishedKeys(after, clock.now()).map((key) => key.kid)).toContain(old);
    expect(Date.parse(after.keys[old]!.unpublishAfter!)).toBeGreaterThan(clock.now() + DEFAULT_ROTATION_POLICY.maxTokenLifetimeMs);
  });

  it('a compromised key leaves JWKS at once', async () => {
    const { state, retire, clock } = await setup();
    const old = (await state()).active.ES256!;
    await retire(old, true);
    expect(publishedKeys(await state(), clock.now()).map((key) => key.kid)).not.toContain(old);
  });

  it('an active key with a pending successor hands over to that successor', async () => {
    const { state, retire, rotate } = await setup();
    const old = (await state()).active.RS256!;
    const pending = (await rotate()).appended[0]!.data.kid;
    const outcome = await retire(old);
    expect(outcome.appended.map((event) => event.type)).toEqual(['SigningKeyRetired', 'SigningKeyActivated']);
    expect((await state()).active.RS256).toBe(pending);
  });

  it('a pending key is withdrawn from JWKS; the active key keeps signing', async () => {
    const { state, retire, rotate, clock } = await setup();
    const active = (await state()).active.RS256!;
    const pending = (await rotate()).appended[0]!.data.kid;
    await retire(pending);
    const after = await state();
    expect(after.active.RS256).toBe(active);
    expect(publishedKeys(after, clock.now()).map((key) => key.kid)).not.toContain(pending);
  });

  it('retiring again is a no-op unless the key must now leave JWKS; unknown kids are refused', async () => {
    const { state, retire } = await setup();
    const old = (await state()).active.EdDSA!;
    await retire(old);
    expect((await retire(old)).appended).toEqual([]);
    expect((await retire(old, true)).appended.map((event) => event.type)).toEqual(['SigningKeyRetired']);
    expect((await retire(old, true)).appended).toEqual([]);
    await expect(retire('no-such-kid')).rejects.toThrow(UnknownSigningKeyError);
  });

  it('two racing retirements of the active key hand over once', async () => {
    const { state, retire, store } = await setup();
    const old = (await state()).active.RS256!;
    const outcomes = await Promise.all([retire(old), retire(old), retire(old)]);
    expect(outcomes.filter((outcome) => outcome.appended.length > 0)).toHaveLength(1);
    let activations = 0;
    for await (const event of store.readStream(SIGNING_KEYS_STREAM)) if (event.type === 'SigningKeyActivated' && event.data['alg'] === 'RS256') activations++;
    expect(activations).toBe(2);
  });
});
