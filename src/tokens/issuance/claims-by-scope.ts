import type { JsonObject } from '#event-store';

/** Which identity claims each scope releases (OIDC Core §5.4, plus meshid's `groups`). */
export const CLAIMS_BY_SCOPE: Readonly<Record<string, readonly string[]>> = {
  profile: ['name', 'preferred_username', 'picture'],
  email: ['email', 'email_verified'],
  groups: ['groups'],
};

/**
 * tsidp's node claims, sent whatever the scope (reference/tsidp.md §3.1): tsidp relying parties
 * read them without asking for a scope, and they say which device, not who.
 */
export const NODE_CLAIMS: readonly string[] = ['nid', 'node', 'tailnet', 'addresses', 'key', 'uid', 'tags'];

/**
 * The claims of a grant's identity snapshot that its scope releases, plus the node claims, for
 * the ID token and userinfo alike (so both agree). Absent claims stay absent; `sub` is never
 * taken from here.
 */
export function claimsForScope(claims: JsonObject, scope: readonly string[]): Record<string, unknown> {
  const released: Record<string, unknown> = {};
  for (const claim of NODE_CLAIMS) {
    const value = claims[claim];
    if (value !== undefined && value !== null) released[claim] = value;
  }
  for (const name of scope) {
    for (const claim of CLAIMS_BY_SCOPE[name] ?? []) {
      const value = claims[claim];
      if (value !== undefined && value !== null) released[claim] = value;
    }
  }
  return released;
}
