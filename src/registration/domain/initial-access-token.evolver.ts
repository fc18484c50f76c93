import type { RecordedEvent } from '#event-store';
import type { Evolver } from '../../common/event-sourcing/aggregate-stream.js';
import { InitialAccessTokenEventType, parseInitialAccessTokenEvent } from './initial-access-token.events.js';

/** An initial access token as its stream says. */
export type InitialAccessTokenState =
  | { status: 'absent' }
  | {
      status: 'issued';
      tokenId: string;
      digest: string;
      expiresAt: number;
      maxUses: number;
      /** Registrations it has authorized so far. */
      uses: number;
      revoked: boolean;
      description?: string;
    };

/** Left fold of an `initial-access-token-<id>` stream. Events it does not recognise change nothing. */
export const initialAccessTokenEvolver: Evolver<InitialAccessTokenState> = {
  initial: { status: 'absent' },
  evolve(state: InitialAccessTokenState, recorded: RecordedEvent): InitialAccessTokenState {
    const event = parseInitialAccessTokenEvent(recorded);
    if (event === null) return state;
    switch (event.type) {
      case InitialAccessTokenEventType.Issued: {
        const { tokenId, digest, expiresAt, maxUses, description } = event.data;
        return { status: 'issued', tokenId, digest, expiresAt, maxUses, uses: 0, revoked: false, ...(description === undefined ? {} : { description }) };
      }
      case InitialAccessTokenEventType.Used:
        return state.status === 'issued' ? { ...state, uses: state.uses + 1 } : state;
      case InitialAccessTokenEventType.Revoked:
        return state.status === 'issued' ? { ...state, revoked: true } : state;
    }
  },
};

/** Why a token cannot authorize a registration now. */
export type InitialAccessTokenRefusal = 'unknown' | 'wrong-secret' | 'revoked' | 'expired' | 'used-up';

/**
 * Whether the token of `state`, presented with a secret for which `secretMatches` says whether it
 * is the token's (a constant-time comparison with the stored digest), may authorize one more
 * registration at time `now`. The secret is checked first: whoever does not hold the token
 * learns nothing about its state.
 */
export function checkInitialAccessToken(
  state: InitialAccessTokenState,
  secretMatches: (digest: string) => boolean,
  now: number,
): { ok: true } | { ok: false; reason: InitialAccessTokenRefusal } {
  if (state.status !== 'issued') return { ok: false, reason: 'unknown' };
  if (!secretMatches(state.digest)) return { ok: false, reason: 'wrong-secret' };
  if (state.revoked) return { ok: false, reason: 'revoked' };
  if (now >= state.expiresAt) return { ok: false, reason: 'expired' };
  if (state.uses >= state.maxUses) return { ok: false, reason: 'used-up' };
  return { ok: true };
}
