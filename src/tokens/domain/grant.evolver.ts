import type { RecordedEvent } from '#event-store';
import type { Evolver } from '../../common/event-sourcing/aggregate-stream.js';
import { type RecordedIdentity, recordedClaims } from '../../policy/identity-snapshot.js';
import {
  GRANT_ISSUED,
  GRANT_REVOKED,
  type GrantIssued,
  type GrantRevocationReason,
  type GrantRevoked,
  REFRESH_TOKEN_ROTATED,
  type RefreshTokenRotated,
} from './grant.events.js';

/** When a refresh token was rotated away, and by the event at which revision of the grant. */
interface Rotation {
  rotatedAt: number;
  revision: bigint;
}

export interface GrantState {
  issued: GrantIssued | null;
  /** Who the grant is for now: the issued identity, or the latest refresh's re-resolution of it. */
  identity: RecordedIdentity | null;
  /** The revision of the last event folded in (null: none yet). */
  revision: bigint | null;
  currentDigest: string | null;
  refreshExpiresAt: number | null;
  /**
   * Refresh-token digests already rotated away. Read it through `rotatedAwayAt`: the map grows in
   * place (copying it on every rotation made each refresh O(n) in the grant's rotations), so a
   * state cached at an earlier revision may share it with a newer one, and each entry says at
   * which revision it was added.
   */
  rotatedAway: Map<string, Rotation>;
  revoked: GrantRevocationReason | null;
}

/** When `digest` was rotated away as of this state's revision, or undefined. */
export function rotatedAwayAt(state: GrantState, digest: string): number | undefined {
  const rotation = state.rotatedAway.get(digest);
  return rotation !== undefined && state.revision !== null && rotation.revision <= state.revision ? rotation.rotatedAt : undefined;
}

export const grantEvolver: Evolver<GrantState> = {
  initial: { issued: null, identity: null, revision: null, currentDigest: null, refreshExpiresAt: null, rotatedAway: new Map(), revoked: null },
  evolve(state, event: RecordedEvent) {
    const revision = event.revision;
    switch (event.type) {
      case GRANT_ISSUED: {
        const issued = event.data as GrantIssued;
        const rotatedAway = new Map<string, Rotation>();
        const identity = { claims: recordedClaims(issued.claims), snapshot: issued.identity ?? null };
        return { ...state, revision, issued, identity, currentDigest: issued.refreshTokenDigest, refreshExpiresAt: issued.refreshExpiresAt, rotatedAway };
      }
      case REFRESH_TOKEN_ROTATED: {
        const rotated = event.data as RefreshTokenRotated;
        // Only a damaged stream rotates before it was issued (and the map would be the shared initial one).
        if (state.issued === null) throw new Error(`${event.stream} rotates a refresh token before GrantIssued`);
        state.rotatedAway.set(rotated.fromDigest, { rotatedAt: rotated.rotatedAt, revision });
        const identity = rotated.reidentified
          ? { claims: recordedClaims(rotated.reidentified.claims), snapshot: rotated.reidentified.identity }
          : state.identity;
        return { ...state, revision, identity, currentDigest: rotated.toDigest, refreshExpiresAt: rotated.refreshExpiresAt };
      }
      case GRANT_REVOKED:
        return { ...state, revision, revoked: state.revoked ?? (event.data as GrantRevoked).reason };
      default:
        return { ...state, revision };
    }
  },
};
