import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '#event-store';
import { recordedEventsOf } from '../../common/event-sourcing/testing/recorded-events.js';
import { initialAccessTokenStream, isInitialAccessTokenId, newInitialAccessToken, parseInitialAccessToken } from './initial-access-token.js';
import { MalformedInitialAccessTokenEventError } from './initial-access-token.events.js';
import { checkInitialAccessToken, initialAccessTokenEvolver, type InitialAccessTokenState } from './initial-access-token.evolver.js';

const recorded = recordedEventsOf('initial-access-token-t');
const fold = (...events: RecordedEvent[]) => events.reduce(initialAccessTokenEvolver.evolve, initialAccessTokenEvolver.initial);
const issued = (maxUses = 2, expiresAt = 10_000) => recorded('InitialAccessTokenIssued', { tokenId: 't', digest: 'd', expiresAt, maxUses });
const used = (clientId = 'c') => recorded('InitialAccessTokenUsed', { clientId });
const matches = (digest: string) => digest === 'd';

describe('initial access token format', () => {
  it('is <tokenId>.<secret>, and anything else does not parse', () => {
    const { token, tokenId, secret } = newInitialAccessToken();
    expect(token).toBe(`${tokenId}.${secret}`);
    expect(parseInitialAccessToken(token)).toEqual({ tokenId, secret });
    expect(initialAccessTokenStream(tokenId)).toBe(`initial-access-token-${tokenId}`);
    for (const bad of ['', tokenId, `${tokenId}.`, `.${secret}`, `${tokenId}.${secret}.x`, `${tokenId}.${secret}=`, `-${tokenId.slice(1)}.${secret}`, ` ${token}`]) {
      expect(parseInitialAccessToken(bad)).toBeNull();
    }
    expect(isInitialAccessTokenId('../etc')).toBe(false);
    expect(() => initialAccessTokenStream('a b')).toThrow();
  });
});

describe('initialAccessTokenEvolver and checkInitialAccessToken', () => {
  it('counts uses up to the limit', () => {
    const check = (state: InitialAccessTokenState) => checkInitialAccessToken(state, matches, 5_000);
    expect(check(fold(issued()))).toEqual({ ok: true });
    expect(check(fold(issued(), used()))).toEqual({ ok: true });
    expect(check(fold(issued(), used(), used()))).toEqual({ ok: false, reason: 'used-up' });
    expect(fold(issued(), used(), used())).toMatchObject({ uses: 2, maxUses: 2 });
  });

  it('refuses unknown, wrong-secret, revoked and expired tokens; the secret is checked before anything is said about the state', () => {
    expect(checkInitialAccessToken(fold(), matches, 0)).toEqual({ ok: false, reason: 'unknown' });
    const revoked = fold(issued(), recorded('InitialAccessTokenRevoked', {}));
    expect(checkInitialAccessToken(revoked, matches, 0)).toEqual({ ok: false, reason: 'revoked' });
    expect(checkInitialAccessToken(revoked, () => false, 0)).toEqual({ ok: false, reason: 'wrong-secret' });
    expect(checkInitialAccessToken(fold(issued(1, 1000)), matches, 999)).toEqual({ ok: true });
    expect(checkInitialAccessToken(fold(issued(1, 1000)), matches, 1000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('ignores event types it does not know and refuses damaged ones', () => {
    expect(fold(recorded('SomethingElse', {}))).toEqual({ status: 'absent' });
    expect(() => fold(recorded('InitialAccessTokenIssued', { tokenId: 't', digest: 'd', expiresAt: 1, maxUses: 0 }))).toThrow(MalformedInitialAccessTokenEventError);
    expect(() => fold(recorded('InitialAccessTokenIssued', { tokenId: 't', digest: '', expiresAt: 1, maxUses: 1 }))).toThrow('without a valid digest');
    expect(() => fold(issued(), recorded('InitialAccessTokenUsed', {}))).toThrow('InitialAccessTokenUsed event without a valid clientId');
    expect(fold(used(), recorded('InitialAccessTokenRevoked', {}))).toEqual({ status: 'absent' });
  });
});
