import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_ROTATION_POLICY,
  rotationPolicyFor,
  decisionEvents,
  jwksMaxAgeSeconds,
  nextDueAt,
  planKeyDecisions,
  publishedKeys,
  type RotationPolicy,
  type RotationRequest,
} from './rotation-policy.js';
import type { PublicJwk, SigningAlg } from './signing-keys.events.js';
import { evolveSigningKeys, INITIAL_SIGNING_KEYS, type SigningKeysState } from './signing-keys.evolver.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const policy: RotationPolicy = DEFAULT_ROTATION_POLICY;
const T0 = Date.parse('2026-01-01T00:00:00Z');

/** Runs the policy at `now` with fake key material (kid = alg-n) and folds its events. */
function step(state: SigningKeysState, now: number, request?: Omit<RotationRequest, 'seen'>): SigningKeysState {
  const seen = new Map(Object.values(state.keys).map((key) => [key.kid, key.status]));
  const decisions = planKeyDecisions(state, now, policy, request && { ...request, seen });
  let n = Object.keys(state.keys).length;
  const events = decisions.flatMap((decision) => {
    const kid = `${decision.alg}-${++n}`;
    const material = { kid, publicJwk: { kid } as PublicJwk, privateKey: { kekId: 'k', ciphertext: 'x' } };
    return decisionEvents(decision, now, policy, material);
  });
  return events.reduce(evolveSigningKeys, state);
}

const activeKid = (state: SigningKeysState, alg: SigningAlg) => state.active[alg];
const published = (state: SigningKeysState, now: number) => publishedKeys(state, now).map((key) => key.kid).sort();
const activeCount = (state: SigningKeysState, alg: SigningAlg) =>
  Object.values(state.keys).filter((key) => key.alg === alg && key.status === 'active').length;

describe('rotation policy', () => {
  it('generates and activates one key per alg at once on first start', () => {
    const state = step(INITIAL_SIGNING_KEYS, T0);
    expect(Object.values(state.keys).map((key) => key.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
    for (const alg of policy.algs) expect(activeCount(state, alg)).toBe(1);
    expect(planKeyDecisions(state, T0, policy)).toEqual([]);
    expect(nextDueAt(state, policy)).toBe(T0 + policy.rotationIntervalMs);
  });

  it('pre-publishes a successor at the interval, activates it only after the delay, then unpublishes the old one', () => {
    let state = step(INITIAL_SIGNING_KEYS, T0);
    const old = activeKid(state, 'RS256')!;
    expect(step(state, T0 + policy.rotationIntervalMs - 1)).toBe(state);

    const rotation = T0 + policy.rotationIntervalMs;
    state = step(state, rotation);
    const next = Object.values(state.keys).find((key) => key.alg === 'RS256' && key.status === 'published')!;
    expect(next.activateAfter).toBe(new Date(rotation + policy.prePublicationMs).toISOString());
    // In JWKS, not signing: the old key still signs.
    expect(published(state, rotation)).toContain(next.kid);
    expect(activeKid(state, 'RS256')).toBe(old);
    expect(step(state, rotation + policy.prePublicationMs - 1)).toBe(state);
    expect(nextDueAt(state, policy)).toBe(rotation + policy.prePublicationMs);

    const activation = rotation + policy.prePublicationMs;
    state = step(state, activation);
    expect(activeKid(state, 'RS256')).toBe(next.kid);
    for (const alg of policy.algs) expect(activeCount(state, alg)).toBe(1);
    const retired = state.keys[old]!;
    expect(retired.status).toBe('retired');
    const until = Date.parse(retired.unpublishAfter!);
    expect(until).toBeGreaterThanOrEqual(activation + policy.maxTokenLifetimeMs);
    expect(published(state, until - 1)).toContain(old);
    expect(published(state, until)).not.toContain(old);
    expect(published(state, until)).toContain(next.kid);
  });

  it('rotates on request: pending until the delay, at once with immediate, never twice for one request', () => {
    const start = step(INITIAL_SIGNING_KEYS, T0);
    const old = activeKid(start, 'ES256')!;
    const requested = step(start, T0 + MINUTE, { algs: ['ES256'], immediate: false });
    expect(activeKid(requested, 'ES256')).toBe(old);
    expect(Object.keys(requested.keys)).toHaveLength(4);
    // Re-deciding the same request on the state it produced (a lost race's retry) does nothing.
    const seen = new Map(Object.values(start.keys).map((key) => [key.kid, key.status]));
    expect(planKeyDecisions(requested, T0 + MINUTE, policy, { algs: ['ES256'], immediate: false, seen })).toEqual([]);
    expect(planKeyDecisions(requested, T0 + MINUTE, policy, { algs: ['ES256'], immediate: true, seen })).toEqual([]);
    // A second request while one is pending does not generate another key.
    expect(Object.keys(step(requested, T0 + 2 * MINUTE, { algs: ['ES256'], immediate: false }).keys)).toHaveLength(4);

    const immediate = step(start, T0 + MINUTE, { algs: ['ES256'], immediate: true });
    expect(activeKid(immediate, 'ES256')).not.toBe(old);
    expect(immediate.keys[old]!.status).toBe('retired');
    expect(activeCount(immediate, 'ES256')).toBe(1);
  });

  it('keeps the JWKS cache lifetime well under the pre-publication delay', () => {
    expect(jwksMaxAgeSeconds(policy) * 1000 * 2).toBeLessThanOrEqual(policy.prePublicationMs);
    expect(jwksMaxAgeSeconds({ ...policy, prePublicationMs: 60_000 })).toBe(15);
  });

  it('keeps exactly one active key per alg over a year of scheduled rotations', () => {
    let state = INITIAL_SIGNING_KEYS;
    for (let now = T0; now < T0 + 365 * DAY; now += 60 * MINUTE) {
      state = step(state, now);
      for (const alg of policy.algs) expect(activeCount(state, alg)).toBe(1);
    }
    // 365 / 30 → 12 rotations after the first key, per alg.
    expect(Object.values(state.keys).filter((key) => key.alg === 'EdDSA')).toHaveLength(13);
    expect(publishedKeys(state, T0 + 365 * DAY).filter((key) => key.alg === 'EdDSA').length).toBeLessThanOrEqual(3);
  });
});

describe('rotationPolicyFor', () => {
  it('takes the rotation interval from the configuration and keeps keys published past the longest token', () => {
    const policy = rotationPolicyFor({ signingKeyRotationDays: 7, accessTokenLifetime: 300, idTokenLifetime: 600 });
    expect(policy).toMatchObject({ rotationIntervalMs: 7 * DAY, maxTokenLifetimeMs: DAY, prePublicationMs: DEFAULT_ROTATION_POLICY.prePublicationMs });
    // Short-lived tokens still leave a day for an expired ID token to serve as id_token_hint.
    expect(rotationPolicyFor({ signingKeyRotationDays: 30, accessTokenLifetime: 86_400, idTokenLifetime: 60 }).maxTokenLifetimeMs).toBe(DAY);
  });
});
