import { narrowResources } from '../../authorization/domain/resource-indicators.js';
import { RefreshTokenRejectedError } from './grant.errors.js';
import type { GrantIssued } from './grant.events.js';
import { type GrantState, rotatedAwayAt } from './grant.evolver.js';

export interface RefreshAttempt {
  clientId: string;
  /** HMAC of the presented token's secret. */
  digest: string;
  /** Whether the presented secret matches the grant's current digest (compared in constant time). */
  isCurrent: boolean;
  /** A narrower scope for the new tokens (RFC 6749 §6); undefined keeps the granted scope. */
  requestedScope: string[] | undefined;
  /** RFC 8707 resources to narrow the new access token to; empty keeps the grant's. */
  requestedResources: readonly string[];
}

export type RefreshDecision =
  | { kind: 'rotate'; issued: GrantIssued; scope: string[]; resources: string[] }
  /** A rotated-away token came back: revoke the whole grant (RFC 9700 §4.14.2). */
  | { kind: 'revoke_for_reuse' }
  /** A rotated-away token came back within the grace window: refuse, but keep the grant. */
  | { kind: 'refuse_within_grace' };

/** Decides what a refresh request does to the grant; throws for plain refusals. */
export function decideRefresh(state: GrantState, attempt: RefreshAttempt, now: number, reuseGraceMs: number): RefreshDecision {
  const issued = state.issued;
  if (issued === null) throw new RefreshTokenRejectedError('unknown');
  if (issued.clientId !== attempt.clientId) throw new RefreshTokenRejectedError('client_mismatch');
  if (state.revoked !== null) throw new RefreshTokenRejectedError('revoked');
  const rotatedAt = rotatedAwayAt(state, attempt.digest);
  if (rotatedAt !== undefined) return now - rotatedAt < reuseGraceMs ? { kind: 'refuse_within_grace' } : { kind: 'revoke_for_reuse' };
  if (!attempt.isCurrent) throw new RefreshTokenRejectedError('unknown');
  if (state.refreshExpiresAt !== null && now > state.refreshExpiresAt) throw new RefreshTokenRejectedError('expired');
  const scope = attempt.requestedScope ?? issued.scope;
  if (scope.some((s) => !issued.scope.includes(s))) throw new RefreshTokenRejectedError('scope_widened');
  const resources = narrowResources(issued.resources ?? [], attempt.requestedResources);
  if (resources === null) throw new RefreshTokenRejectedError('resource_widened');
  return { kind: 'rotate', issued, scope, resources };
}
