import { describe, expect, it } from '@jest/globals';
import { actorClaimFor, delegationDepth, isActorClaim, MAX_DELEGATION_DEPTH } from './actor-claim.js';

describe('act claims (RFC 8693 §4.1)', () => {
  it('puts the new actor outermost and keeps the earlier chain nested', () => {
    const earlier = { sub: 'svc-a', client_id: 'svc-a' };
    expect(actorClaimFor({ sub: 'svc-b', client_id: 'svc-b' }, earlier)).toEqual({ sub: 'svc-b', client_id: 'svc-b', act: earlier });
    expect(actorClaimFor({ sub: 'svc-b', client_id: 'svc-b' }, undefined)).toEqual({ sub: 'svc-b', client_id: 'svc-b' });
    expect(actorClaimFor(undefined, earlier)).toBe(earlier);
    expect(actorClaimFor(undefined, undefined)).toBeUndefined();
  });

  it('counts the chain and accepts only the shape meshid writes, to a bounded depth', () => {
    let chain = { sub: 's0' } as { sub: string; act?: unknown };
    for (let i = 1; i < MAX_DELEGATION_DEPTH; i++) chain = { sub: `s${i}`, act: chain };
    expect(isActorClaim(chain)).toBe(true);
    expect(delegationDepth(chain as never)).toBe(MAX_DELEGATION_DEPTH);
    expect(isActorClaim({ sub: 'deeper', act: chain })).toBe(false);
    for (const bad of [null, 'svc', [], {}, { sub: 1 }, { sub: 's', client_id: 2 }, { sub: 's', act: 'x' }]) expect(isActorClaim(bad)).toBe(false);
  });
});
