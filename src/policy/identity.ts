import type { JsonObject } from '#event-store';

/** Where an identity came from (DESIGN §5); only `dev` exists before the tailnet resolvers. */
export type IdentitySource = 'dev' | 'tailscale' | 'proxy-headers' | 'account';

/**
 * Who is asking, as the policy module resolves it. `claims` uses the OIDC claim names and is the
 * snapshot an authorization code carries to the token endpoint; which of them a client receives
 * depends on the scopes it was granted (profile: name, preferred_username, picture; email:
 * email, email_verified; groups: groups).
 */
export interface Identity {
  source: IdentitySource;
  /** Stable subject identifier, the `sub` claim. */
  subject: string;
  /** The login name, e.g. alice@example.com. */
  login: string;
  claims: IdentityClaims;
}

export interface IdentityClaims extends JsonObject {
  name?: string;
  email?: string;
  email_verified?: boolean;
  preferred_username?: string;
  picture?: string;
  groups: string[];
}
