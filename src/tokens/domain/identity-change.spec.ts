import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '#event-store';
import type { IdentitySnapshot } from '../../policy/identity-snapshot.js';
import { GRANT_ISSUED, type GrantIssued, REFRESH_TOKEN_ROTATED, type RefreshTokenRotated } from './grant.events.js';
import { grantEvolver } from './grant.evolver.js';
import { identityAfter, identityChange } from './identity-change.js';

const snapshot: IdentitySnapshot = { source: 'tailscale', login: 'alice@example.com', capabilities: [{ extraClaims: { team: 'blue' } }], nodeAddress: '100.101.102.103' };
const claims = { name: 'Alice', groups: [] };
const current = { claims, snapshot };

describe('identity changes at refresh', () => {
  it('records nothing when the person is as the grant holds them, or was not looked up', () => {
    expect(identityChange(current, { claims: { name: 'Alice', groups: [] }, identity: structuredClone(snapshot) })).toBeUndefined();
    expect(identityChange(current, undefined)).toBeUndefined();
  });

  it('records a changed claim or a changed rule, and a grant that had no snapshot', () => {
    const renamed = { claims: { name: 'Alice B.', groups: [] }, identity: snapshot };
    expect(identityChange(current, renamed)).toBe(renamed);
    const regranted = { claims, identity: { ...snapshot, capabilities: [{ extraClaims: { team: 'red' } }] } };
    expect(identityChange(current, regranted)).toBe(regranted);
    expect(identityChange({ claims, snapshot: null }, { claims, identity: snapshot })).toEqual({ claims, identity: snapshot });
    expect(identityAfter(current, renamed)).toEqual({ claims: renamed.claims, snapshot });
    expect(identityAfter(current, undefined)).toBe(current);
  });

  it('makes the grant carry the latest identity recorded, and reads old grants without groups or snapshot', () => {
    const event = (revision: bigint, type: string, data: object) => ({ revision, type, data, stream: 'grant-g' }) as unknown as RecordedEvent;
    const issued = { grantId: 'g', clientId: 'c', subject: 'userid:1', scope: ['openid'], claims: { name: 'Alice' }, authTime: 1, origin: 'authorization_code', refreshTokenDigest: 'd0', refreshExpiresAt: 10 } as GrantIssued;
    let state = grantEvolver.evolve(grantEvolver.initial, event(0n, GRANT_ISSUED, issued));
    expect(state.identity).toEqual({ claims: { name: 'Alice', groups: [] }, snapshot: null });
    const rotated: RefreshTokenRotated = { fromDigest: 'd0', toDigest: 'd1', rotatedAt: 2, refreshExpiresAt: 20, scope: ['openid'], reidentified: { claims: { name: 'Alice B.', groups: ['ops'] }, identity: snapshot } };
    state = grantEvolver.evolve(state, event(1n, REFRESH_TOKEN_ROTATED, rotated));
    expect(state.identity).toEqual({ claims: { name: 'Alice B.', groups: ['ops'] }, snapshot });
    state = grantEvolver.evolve(state, event(2n, REFRESH_TOKEN_ROTATED, { fromDigest: 'd1', toDigest: 'd2', rotatedAt: 3, refreshExpiresAt: 30, scope: ['openid'] }));
    expect(state.identity?.claims.name).toBe('Alice B.');
  });
});
