import type { RecordedEvent } from '#event-store';
import type { Evolver } from '../../common/event-sourcing/aggregate-stream.js';
import {
  GRANT_ISSUED,
  GRANT_REVOKED,
  type GrantIssued,
  type GrantRevocationReason,
  type GrantRevoked,
  REFRESH_TOKEN_ROTATED,
  type RefreshTokenRotated,
} from './grant.events.js';

export interface GrantState {
  issued: GrantIssued | null;
  currentDigest: string | null;
  refreshExpiresAt: number | null;
  /** Refresh-token digests already rotated away, with when each was rotated (ms). */
  rotatedAway: Map<string, number>;
  revoked: GrantRevocationReason | null;
}

export const grantEvolver: Evolver<GrantState> = {
  initial: { issued: null, currentDigest: null, refreshExpiresAt: null, rotatedAway: new Map(), revoked: null },
  evolve(state, event: RecordedEvent) {
    switch (event.type) {
      case GRANT_ISSUED: {
        const issued = event.data as GrantIssued;
        // A fresh map per load: the rotations below add to it in place, so folding a grant that
        // rotated n times costs O(n), not O(n^2) (copying the map each time made long-lived
        // grants slower to refresh with every refresh).
        const rotatedAway = new Map<string, number>();
        return { ...state, issued, currentDigest: issued.refreshTokenDigest, refreshExpiresAt: issued.refreshExpiresAt, rotatedAway };
      }
      case REFRESH_TOKEN_ROTATED: {
        const rotated = event.data as RefreshTokenRotated;
        // Only a damaged stream rotates before it was issued (and the map would be the shared initial one).
        if (state.issued === null) throw new Error(`${event.stream} rotates a refresh token before GrantIssued`);
        state.rotatedAway.set(rotated.fromDigest, rotated.rotatedAt);
        return { ...state, currentDigest: rotated.toDigest, refreshExpiresAt: rotated.refreshExpiresAt };
      }
      case GRANT_REVOKED:
        return { ...state, revoked: state.revoked ?? (event.data as GrantRevoked).reason };
      default:
        return state;
    }
  },
};
