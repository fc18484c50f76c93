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
        return { ...state, issued, currentDigest: issued.refreshTokenDigest, refreshExpiresAt: issued.refreshExpiresAt };
      }
      case REFRESH_TOKEN_ROTATED: {
        const rotated = event.data as RefreshTokenRotated;
        const rotatedAway = new Map(state.rotatedAway).set(rotated.fromDigest, rotated.rotatedAt);
        return { ...state, currentDigest: rotated.toDigest, refreshExpiresAt: rotated.refreshExpiresAt, rotatedAway };
      }
      case GRANT_REVOKED:
        return { ...state, revoked: state.revoked ?? (event.data as GrantRevoked).reason };
      default:
        return state;
    }
  },
};
