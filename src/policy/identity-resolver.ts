import type { Identity, IdentitySource } from './identity.js';

/**
 * The part of an HTTP request a resolver may look at. `socket.remoteAddress` is the TCP peer;
 * headers are only believable from a trusted proxy (TrustedProxies decides).
 */
export interface ResolverRequest {
  socket: { remoteAddress?: string | undefined; remotePort?: number | undefined };
  headers: Record<string, string | string[] | undefined>;
}

/** One source of identities (DESIGN §5): an `Identity` for the caller, or null if it does not know them. */
export interface IdentityResolver {
  readonly source: IdentitySource;
  resolve(request: ResolverRequest): Identity | null | Promise<Identity | null>;
}

/**
 * A resolver that another module provides (the `account` resolver lives with the accounts, which
 * need policy themselves): it registers with IdentityService when its module starts. It can also
 * say who a subject is now, without a request, for a refresh to evaluate policy afresh: null
 * when the subject no longer exists or may no longer sign in.
 */
export interface RegisteredIdentityResolver extends IdentityResolver {
  current(subject: string): Promise<Identity | null>;
}

/**
 * A resolver could not answer at all (tailscaled's socket refused, timed out or answered
 * nonsense). It is not "nobody": callers show a 503 and must not fall through to the next
 * resolver, or an outage would silently change who people are.
 */
export class IdentityUnavailableError extends Error {
  constructor(
    readonly source: IdentitySource,
    message: string,
  ) {
    super(message);
    this.name = 'IdentityUnavailableError';
  }
}
