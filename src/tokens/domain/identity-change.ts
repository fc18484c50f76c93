import { isDeepStrictEqual } from 'node:util';
import { type RecordedIdentity, recordedClaims } from '../../policy/identity-snapshot.js';
import type { RefreshTokenRotated } from './grant.events.js';

type Reidentified = NonNullable<RefreshTokenRotated['reidentified']>;

/**
 * A refresh's re-resolved identity, to be recorded with the rotation only when it differs from
 * the grant's current one: a grant refreshed every five minutes by an unchanged person adds
 * nothing to the log but the rotation itself.
 */
export function identityChange(current: RecordedIdentity | null, found: Reidentified | undefined): Reidentified | undefined {
  if (found === undefined) return undefined;
  if (current !== null && sameJson(current.claims, found.claims) && sameJson(current.snapshot, found.identity)) return undefined;
  return found;
}

/**
 * Equal as JSON values: what the log would hold. A number and a string differ (an `nid` of 5 is
 * not "5"); key order does not matter. Compared directly first, which allocates nothing and
 * settles every refresh of an unchanged person; only objects made in another realm (a test
 * runner's) fail that, and they are compared again as plain JSON.
 */
function sameJson(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b) || isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
}

/** The grant's identity after a rotation that recorded `change` (or none). */
export function identityAfter(current: RecordedIdentity, change: Reidentified | undefined): RecordedIdentity {
  return change === undefined ? current : { claims: recordedClaims(change.claims), snapshot: change.identity };
}
