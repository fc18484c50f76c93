import { beforeAll, describe, expect, it } from '@jest/globals';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { FixedClock } from '../../common/clock.js';
import { MeshidConfig } from '../../config/meshid-config.js';
import type { KeyEncryption } from '../../crypto/key-encryption.js';
import { exportPrivateKey, generateSigningKey, type GeneratedKey } from '../../keys/domain/key-material.js';
import type { SigningAlg } from '../../keys/domain/signing-keys.events.js';
import { KeyRing } from '../../keys/read-model/key-ring.js';
import type { SigningKeysQuery } from '../../keys/read-model/signing-keys.query.js';
import type { ClientLookup } from '../../clients/client-lookup.js';
import type { RevokedGrants } from '../read-model/revoked-grants.js';
import { AccessTokenVerifier } from './access-token-verifier.js';
import { claimsForScope } from './claims-by-scope.js';
import { TokenMinter, tokenHash } from './token-minter.js';

const ISSUER = 'https://idp.example.ts.net';
/** Revoked grant ids and registered client ids, as the in-memory read models would hold them. */
const revokedIds = new Set<string>(['g-revoked']);
const clientIds = new Set<string>(['c']);
const revoked = { has: (id: string) => revokedIds.has(id) } as RevokedGrants;
const clients = { stillServes: (id: string) => clientIds.has(id) } as ClientLookup;
const verifierOf = (ring: KeyRing, clock: FixedClock, config: MeshidConfig) => new AccessTokenVerifier(ring, clock, config, revoked, clients);
const claims = { name: 'Alice', preferred_username: 'alice', picture: 'https://p/a.png', email: 'alice@example.com', email_verified: true, groups: ['admins'] };

describe('claims by scope', () => {
  it('releases profile, email and groups claims only for their scopes', () => {
    expect(claimsForScope(claims, ['openid'])).toEqual({});
    expect(claimsForScope(claims, ['openid', 'profile'])).toEqual({ name: 'Alice', preferred_username: 'alice', picture: 'https://p/a.png' });
    expect(claimsForScope(claims, ['email'])).toEqual({ email: 'alice@example.com', email_verified: true });
    expect(claimsForScope(claims, ['groups', 'unknown'])).toEqual({ groups: ['admins'] });
  });

  it('leaves out claims the snapshot does not have, and never copies sub', () => {
    expect(claimsForScope({ groups: [], sub: 'x' }, ['profile', 'email', 'groups'])).toEqual({ groups: [] });
  });
});

describe('token minting', () => {
  const keys = new Map<SigningAlg, GeneratedKey>();
  const clock = new FixedClock(Date.UTC(2026, 0, 1));
  const config = Object.assign(new MeshidConfig(), { issuer: ISSUER });
  let ring: KeyRing;
  let minter: TokenMinter;

  beforeAll(async () => {
    for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) keys.set(alg, await generateSigningKey(alg));
    // A real ring over a stand-in table of active keys, so tokens go through the real signer.
    const rows = [...keys.values()].map((key) => ({ kid: key.kid, alg: key.alg, status: 'active', publicJwk: key.publicJwk, privateKey: key.kid }));
    const query = { activeSealed: () => rows, list: () => rows } as unknown as SigningKeysQuery;
    const encryption = { open: (_sealed: unknown, kid: string) => exportPrivateKey([...keys.values()].find((key) => key.kid === kid)!.privateKey) } as unknown as KeyEncryption;
    ring = new KeyRing(query, encryption, clock);
    ring.reload();
    minter = new TokenMinter(ring, clock, config);
  });

  const jwks = () => createLocalJWKSet(ring.jwks() as never);
  const at = () => new Date(clock.now());

  it('signs an RFC 9068 access token verifiable with the published keys', async () => {
    const token = minter.accessToken({ grantId: 'g1', clientId: 'grafana', subject: 'userid:1', scope: ['openid', 'email'], audience: [] });
    const { payload, protectedHeader } = await jwtVerify(token, jwks(), { issuer: ISSUER, typ: 'at+jwt', currentDate: at() });
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: keys.get('RS256')!.kid, typ: 'at+jwt' });
    const now = clock.now() / 1000;
    expect(payload).toMatchObject({ iss: ISSUER, sub: 'userid:1', aud: 'grafana', client_id: 'grafana', scope: 'openid email', gid: 'g1', iat: now, exp: now + 300 });
    expect(payload.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it.each(['RS256', 'ES256', 'EdDSA'] as const)('signs an ID token with the client alg %s, aud the client alone, nonce and at_hash', async (alg) => {
    const access = 'an-access-token';
    const token = minter.idToken({ clientId: 'grafana', subject: 'userid:1', alg, scope: ['openid', 'profile'], claims, authTime: 1700000000, nonce: 'n-1', extraClaims: {}, accessToken: access });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg, kid: keys.get(alg)!.kid });
    const { payload } = await jwtVerify(token, jwks(), { issuer: ISSUER, audience: 'grafana', currentDate: at() });
    expect(payload.aud).toBe('grafana');
    expect(payload).toMatchObject({ sub: 'userid:1', nonce: 'n-1', auth_time: 1700000000, name: 'Alice', preferred_username: 'alice', at_hash: tokenHash(alg, access) });
    expect(payload).not.toHaveProperty('email');
    expect(payload.exp).toBe(payload.iat! + 300);
  });

  it('omits nonce when the code had none', async () => {
    const token = minter.idToken({ clientId: 'c', subject: 's', alg: 'RS256', scope: ['openid'], claims: {}, authTime: 1, nonce: null, extraClaims: {}, accessToken: 'x' });
    expect((await jwtVerify(token, jwks(), { currentDate: at() })).payload).not.toHaveProperty('nonce');
  });

  it('computes at_hash as OIDC Core §3.1.3.6 (left half of SHA-256, base64url)', () => {
    // The example of OIDC Core A.3 / A.4: access token jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y.
    expect(tokenHash('RS256', 'jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y')).toBe('77QmUPtjPfzWtF2AnpK9RQ');
  });

  it('verifies its access tokens, and refuses expired, foreign-issuer and ID tokens', async () => {
    const verifier = verifierOf(ring, clock, config);
    const token = minter.accessToken({ grantId: 'g2', clientId: 'c', subject: 's', scope: ['openid'], audience: [] });
    expect(verifier.verify(token)).toMatchObject({ gid: 'g2', client_id: 'c', sub: 's', scope: 'openid' });
    const idToken = minter.idToken({ clientId: 'c', subject: 's', alg: 'RS256', scope: ['openid'], claims: {}, authTime: 1, nonce: null, extraClaims: {}, accessToken: token });
    expect(verifier.verify(idToken)).toBeNull();
    expect(verifier.verify('not.a.jwt')).toBeNull();
    const other = verifierOf(ring, clock, Object.assign(new MeshidConfig(), { issuer: 'https://other.example' }));
    expect(other.verify(token)).toBeNull();
    const later = new FixedClock(clock.now() + 301_000);
    expect(verifierOf(ring, later, config).verify(token)).toBeNull();
  });

  it('holds a token in force only while its grant is unrevoked and its client still exists', () => {
    const verifier = verifierOf(ring, clock, config);
    const live = minter.accessToken({ grantId: 'g4', clientId: 'c', subject: 's', scope: [], audience: [] });
    expect(verifier.inForce(live).claims).toMatchObject({ gid: 'g4' });
    expect(verifier.inForce('not.a.jwt')).toEqual({ claims: null, problem: 'invalid' });
    const ofRevoked = minter.accessToken({ grantId: 'g-revoked', clientId: 'c', subject: 's', scope: [], audience: [] });
    expect(verifier.inForce(ofRevoked)).toEqual({ claims: null, problem: 'revoked' });
    const ofDeleted = minter.accessToken({ grantId: 'g5', clientId: 'deleted', subject: 's', scope: [], audience: [] });
    expect(verifier.verify(ofDeleted)).not.toBeNull();
    expect(verifier.inForce(ofDeleted)).toEqual({ claims: null, problem: 'client_gone' });
  });

  it('signs access tokens with the configured alg and lifetime, for every client', async () => {
    const es256 = Object.assign(new MeshidConfig(), { issuer: ISSUER, accessTokenAlg: 'ES256', accessTokenLifetime: 600 });
    const token = new TokenMinter(ring, clock, es256).accessToken({ grantId: 'g3', clientId: 'c', subject: 's', scope: [], audience: [] });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: keys.get('ES256')!.kid, typ: 'at+jwt' });
    const { payload } = await jwtVerify(token, jwks(), { issuer: ISSUER, typ: 'at+jwt', currentDate: at() });
    expect(payload.exp! - payload.iat!).toBe(600);
    expect(verifierOf(ring, clock, es256).verify(token)).toMatchObject({ gid: 'g3', scope: '' });
  });

  it('never lets an identity claim stand in for a registered claim', async () => {
    const hostile = { iss: 'https://evil.example', sub: 'root', aud: 'other', exp: 9_999_999_999, name: 'Alice' };
    const token = minter.idToken({ clientId: 'c', subject: 's', alg: 'ES256', scope: ['openid', 'profile'], claims: hostile, authTime: 1, nonce: null, extraClaims: {}, accessToken: 'x' });
    const { payload } = await jwtVerify(token, jwks(), { issuer: ISSUER, audience: 'c', currentDate: at() });
    expect(payload).toMatchObject({ iss: ISSUER, sub: 's', aud: 'c', name: 'Alice', exp: Math.floor(clock.now() / 1000) + 300 });
  });

  it('sends tsidp node claims whatever the scope, and granted extra claims after the identity claims', async () => {
    const tailnet = { name: 'Alice', groups: [], nid: 12345, node: 'laptop.tail1234.ts.net.', tailnet: 'tail1234.ts.net.', addresses: ['100.64.0.1/32'], key: 'nodekey:ab', uid: 7 };
    const extra = { role: 'admin', name: 'Alice (admin)', iss: 'https://evil.example' };
    const token = minter.idToken({ clientId: 'c', subject: 'userid:7', alg: 'ES256', scope: ['openid'], claims: tailnet, authTime: 1, nonce: null, extraClaims: extra, accessToken: 'x' });
    const { payload } = await jwtVerify(token, jwks(), { issuer: ISSUER, audience: 'c', currentDate: at() });
    expect(payload).toMatchObject({ nid: 12345, node: 'laptop.tail1234.ts.net.', tailnet: 'tail1234.ts.net.', addresses: ['100.64.0.1/32'], key: 'nodekey:ab', uid: 7 });
    expect(payload).toMatchObject({ role: 'admin', name: 'Alice (admin)', iss: ISSUER });
    expect(payload).not.toHaveProperty('groups');
  });
});
