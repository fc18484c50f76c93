import type { Identity, IdentitySource } from './identity.js';

/**
 * The part of an HTTP request a resolver may look at. `socket.remoteAddress` is the TCP peer;
 * headers are only believable from a trusted proxy, which each resolver decides for itself.
 */
export interface ResolverRequest {
  socket: { remoteAddress?: string | undefined };
  headers: Record<string, string | string[] | undefined>;
}

/** One source of identities (DESIGN §5): an `Identity` for the caller, or null if it does not know them. */
export interface IdentityResolver {
  readonly source: IdentitySource;
  resolve(request: ResolverRequest): Identity | null | Promise<Identity | null>;
}
