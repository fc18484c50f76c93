import type { ActorClaim } from './token-minter.js';

/** Deepest delegation chain kept: each exchange with an actor adds a level. */
export const MAX_DELEGATION_DEPTH = 5;

/** Whether `value` is an `act` claim as meshid writes them: `sub`, optional `client_id`, nested `act`. */
export function isActorClaim(value: unknown, depth = 1): value is ActorClaim {
  if (depth > MAX_DELEGATION_DEPTH || typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const claim = value as Record<string, unknown>;
  if (typeof claim['sub'] !== 'string') return false;
  if (claim['client_id'] !== undefined && typeof claim['client_id'] !== 'string') return false;
  return claim['act'] === undefined || isActorClaim(claim['act'], depth + 1);
}

/** How many parties a chain names. */
export function delegationDepth(claim: ActorClaim | undefined): number {
  return claim === undefined ? 0 : 1 + delegationDepth(claim.act);
}

/**
 * The `act` of an exchanged token (RFC 8693 §4.1): the actor token's party as the current actor,
 * the subject token's own `act` (the parties that acted before) nested inside it. Without an actor
 * the subject's chain is kept as it is: an exchange never forgets who already acted.
 */
export function actorClaimFor(actor: { sub: string; client_id: string } | undefined, earlier: ActorClaim | undefined): ActorClaim | undefined {
  if (actor === undefined) return earlier;
  return { sub: actor.sub, client_id: actor.client_id, ...(earlier !== undefined ? { act: earlier } : {}) };
}
