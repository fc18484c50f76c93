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
  it('signs JWTs with each active key, verifiably with the published JWK', async () => {
    const { ring, decide } = await setup();
    expect(() => ring.signingKey('RS256')).toThrow('no active RS256 signing key');
    await decide();
    const { keys } = ring.jwks();
    expect(keys.map((key) => key.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
    for (const alg of SIGNING_ALGS) {
      const token = ring.signJwt(alg, 'JWT', { sub: 'alice', n: 1 });
      const [headerSegment, payloadSegment, signatureSegment] = token.split('.') as [string, string, string];
      const header = JSON.parse(Buffer.from(headerSegment, 'base64url').toString()) as { kid: string };
      expect(header).toEqual({ alg, kid: ring.signingKey(alg).kid, typ: 'JWT' });
      const jwk = keys.find((key) => key.kid === header.kid)!;
      expect(jwk).toMatchObject({ alg, use: 'sig' });
      expect(jwk).not.toHaveProperty('d');
      expect(jwkThumbprint(jwk)).toBe(header.kid);
      // An independent verifier (node:crypto with the published JWK) accepts it...
      const publicKey = createPublicKey({ key: jwk as never, format: 'jwk' });
      const signature = Buffer.from(signatureSegment, 'base64url');
      expect(jwsVerify(alg, publicKey, `${headerSegment}.${payloadSegment}`, signature)).toBe(true);
      // ...and so does the ring, which refuses it when the payload is changed.
      expect(ring.verifyJwt(token, SIGNING_ALGS)).toEqual({ header, payload: { sub: 'alice', n: 1 } });
      const forged = Buffer.from(JSON.stringify({ sub: 'mallory', n: 1 })).toString('base64url');
      expect(ring.verifyJwt(`${headerSegment}.${forged}.${signatureSegment}`, SIGNING_ALGS)).toBeNull();
      expect(ring.verifyJwt(token, SIGNING_ALGS.filter((other) => other !== alg))).toBeNull();
    }
    expect(ring.signingKey('ES256').privateKey.asymmetricKeyType).toBe('ec');
    expect(keys.find((key) => key.alg === 'RS256')!.n).toHaveLength(342); // 2048 bits in base64url
  });

  it('never lets a token choose how it is verified, and refuses malformed tokens', async () => {
    const { ring, decide } = await setup();
    await decide();
    const token = ring.signJwt('ES256', 'at+jwt', { sub: 'alice' });
    const [headerSegment, payloadSegment, signatureSegment] = token.split('.') as [string, string, string];
    const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const header = JSON.parse(Buffer.from(headerSegment, 'base64url').toString()) as Record<string, unknown>;
    const withHeader = (changed: Record<string, unknown>) => `${segment(changed)}.${payloadSegment}.${signatureSegment}`;
    const refused = [
      withHeader({ ...header, alg: 'none' }),
      withHeader({ ...header, alg: 'RS256' }), // the EC key's kid with another alg
      withHeader({ ...header, alg: 'HS256' }),
      withHeader({ ...header, kid: 'unknown' }),
      withHeader({ alg: 'ES256', typ: 'at+jwt' }), // no kid
      withHeader({ ...header, crit: ['exp'] }),
      withHeader({ ...header, kid: 7 }),
      `${headerSegment}.${payloadSegment}.`,
      `${headerSegment}.${payloadSegment}`,
      `${headerSegment}.${payloadSegment}.${signatureSegment}.x`,
      `${headerSegment}.${payloadSegment}.${signatureSegment.slice(4)}`, // signature of the wrong length
      `${headerSegment}.${segment([1, 2])}.${signatureSegment}`,
      `${headerSegment}.${Buffer.from('not json').toString('base64url')}.${signatureSegment}`,
      `${headerSegment}.${payloadSegment}.${signatureSegment}!`,
      `${headerSegment}.${'A'.repeat(17 * 1024)}.${signatureSegment}`,
      '',
      'a.b.c',
    ];
    for (const candidate of refused) expect(ring.verifyJwt(candidate, SIGNING_ALGS)).toBeNull();
    expect(ring.verifyJwt(token, SIGNING_ALGS)).not.toBeNull();
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
