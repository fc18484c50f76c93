import type { JsonObject } from '#event-store';
import type { Identity, IdentityClaims, IdentitySource } from './identity.js';

/**
 * What the log keeps of who signed in, beside their claims, so that policy can be evaluated
 * again later (at each refresh and userinfo call) without the original request: where the
 * identity came from, its login, the capability rules that came with it, and for a tailnet
 * identity the node address to ask tailscaled about again. Recorded on the authorization code,
 * the grant, and on a refresh that found it changed. Never a secret.
 */
export interface IdentitySnapshot extends JsonObject {
  source: IdentitySource;
  login: string;
  capabilities: unknown[];
  /** A tailnet identity's node address (its first tailnet IP), for whois at refresh. */
  nodeAddress?: string;
}

/** The current identity of a grant: its claims and the snapshot they were taken with. */
export interface RecordedIdentity {
  claims: IdentityClaims;
  /** Null for grants recorded before snapshots existed: no capability rules apply to them. */
  snapshot: IdentitySnapshot | null;
}

/** The snapshot of an identity; it shares `capabilities`, which resolvers hand out frozen. */
export function snapshotOf(identity: Identity): IdentitySnapshot {
  const address = identity.node?.addresses[0]?.split('/')[0];
  return {
    source: identity.source,
    login: identity.login,
    capabilities: identity.capabilities,
    ...(address !== undefined ? { nodeAddress: address } : {}),
  };
}

/** Reads an event's `claims` defensively: a log written by an older meshid may lack `groups`. */
export function recordedClaims(claims: JsonObject): IdentityClaims {
  const groups = Array.isArray(claims['groups']) ? claims['groups'].filter((g): g is string => typeof g === 'string') : [];
  return { ...claims, groups };
}

/** A live identity in the form a grant records it, so policy decides the same way for both. */
export function recordedIdentityOf(identity: Identity): RecordedIdentity {
  return { claims: identity.claims, snapshot: snapshotOf(identity) };
}
