import type { JsonObject } from '#event-store';

export const ADMIN_ACTION_DENIED = 'AdminActionDenied';

/** The security trail of one UTC day (DESIGN §4): written for the record, never read to decide. */
export function auditStream(at: Date): string {
  return `audit-${at.toISOString().slice(0, 10)}`;
}

/** Why an admin call was refused. */
export type AdminDenialReason =
  /** Neither a token nor an identity came with the call. */
  | 'unauthenticated'
  /** A bearer token that is not in force (invalid, expired, revoked, its client deleted). */
  | 'invalid_token'
  /** A token without the meshid:admin scope, or whose client may no longer have it. */
  | 'insufficient_scope'
  /** An identity whose grants do not say allow_admin_ui. */
  | 'not_an_administrator'
  /** A browser call without a valid CSRF token, or from another site. */
  | 'cross_site'
  /** A browser call addressed to another host than the issuer's (DNS rebinding). */
  | 'wrong_host';

/**
 * An admin call was refused. `actor` is who the caller was, as far as it was established (a
 * person's login, a client id), or null; the request's address is in the event metadata.
 * Never a token or any part of one.
 */
export interface AdminActionDenied extends JsonObject {
  method: string;
  path: string;
  reason: AdminDenialReason;
  actor: string | null;
  /** Refusals from the same address for the same reason not recorded one by one since the last recorded (see AuditTrail). */
  suppressed: number;
}
