import { afterEach, describe, expect, it } from '@jest/globals';
import { createPublicKey, randomBytes } from 'node:crypto';
import { MemoryEventStore } from '#event-store';
import { defaultMigrationsDir, openReadModelDatabase, ProjectionRunner, type ReadModelDatabase } from '#projections';
import { FixedClock } from '../../common/clock.js';
import { KeyEncryption } from '../../crypto/key-encryption.js';
import { SigningKeysWriter } from '../commands/signing-keys.writer.js';
import { jwkThumbprint, jwsVerify } from '../domain/key-material.js';
import { DEFAULT_ROTATION_POLICY as policy, type RotationRequest } from '../domain/rotation-policy.js';
import { SIGNING_ALGS } from '../domain/signing-keys.events.js';
import { KeyRing } from './key-ring.js';
import { SigningKeysProjection } from './signing-keys.projection.js';
import { SigningKeysQuery } from './signing-keys.query.js';

const context = { actor: 'test', correlationId: 'c-1' };
let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function setup() {
  const store = new MemoryEventStore();
  const readModels: ReadModelDatabase = openReadModelDatabase(':memory:', { migrationsDir: defaultMigrationsDir() });
  const clock = new FixedClock(Date.parse('2026-01-01T00:00:00Z'));
  const encryption = new KeyEncryption({ pepper: randomBytes(32), kek: { id: 'kek-test', key: randomBytes(32) } });
  const query = new SigningKeysQuery(readModels);
  const ring = new KeyRing(query, encryption, clock);
  const runner = new ProjectionRunner(store, readModels.db, [new SigningKeysProjection(ring)]);
  await runner.start();
  cleanup.push(() => readModels.close(), () => runner.stop());
  const writer = new SigningKeysWriter(store, encryption, clock, policy);
  /** Decides, then waits until the projection (and so the ring) has the result. */
  const decide = async (request?: Omit<RotationRequest, 'seen'>) => {
    const outcome = await writer.decide(context, request);
    if (outcome.position) await runner.waitFor(outcome.position, 5000);
    return outcome;
  };
  return { ring, query, clock, decide };
}

describe('KeyRing', () => {
  it('signs with each active key, verifiably with the published JWK', async () => {
    const { ring, decide } = await setup();
    expect(() => ring.signingKey('RS256')).toThrow('no active RS256 signing key');
    await decide();
    const { keys } = ring.jwks();
    expect(keys.map((key) => key.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
    for (const alg of SIGNING_ALGS) {
      const { kid, signature } = ring.sign(alg, 'header.payload');
      const jwk = keys.find((key) => key.kid === kid)!;
      expect(jwk).toMatchObject({ alg, use: 'sig' });
      expect(jwk).not.toHaveProperty('d');
      expect(jwkThumbprint(jwk)).toBe(kid);
      const publicKey = createPublicKey({ key: jwk as never, format: 'jwk' });
      expect(jwsVerify(alg, publicKey, 'header.payload', signature)).toBe(true);
      expect(jwsVerify(alg, publicKey, 'header.tampered', signature)).toBe(false);
    }
    expect(ring.signingKey('ES256').privateKey.asymmetricKeyType).toBe('ec');
    expect(keys.find((key) => key.alg === 'RS256')!.n).toHaveLength(342); // 2048 bits in base64url
  });

  it('publishes a rotated key before it signs and the old one until unpublishAfter', async () => {
    const { ring, query, clock, decide } = await setup();
    await decide();
    const old = ring.signingKey('EdDSA').kid;
    await decide({ algs: ['EdDSA'], immediate: false });
    const pending = query.list().find((row) => row.alg === 'EdDSA' && row.status === 'published')!;
    expect(ring.jwks().keys.map((key) => key.kid)).toContain(pending.kid);
    expect(ring.signingKey('EdDSA').kid).toBe(old);

    clock.advance(policy.prePublicationMs);
    await decide();
    expect(ring.signingKey('EdDSA').kid).toBe(pending.kid);
    expect(ring.jwks().keys.map((key) => key.kid)).toEqual(expect.arrayContaining([old, pending.kid]));

    const retired = query.list().find((row) => row.kid === old)!;
    expect(retired.status).toBe('retired');
    clock.advance(Date.parse(retired.unpublishAfter!) - clock.now());
    expect(ring.jwks().keys.map((key) => key.kid)).not.toContain(old);
    expect(ring.jwks().keys).toHaveLength(3);
  });
});
