import type { JsonObject } from '#event-store';

/** Which identity claims each scope releases (OIDC Core §5.4, plus meshid's `groups`). */
export const CLAIMS_BY_SCOPE: Readonly<Record<string, readonly string[]>> = {
  profile: ['name', 'preferred_username', 'picture'],
  email: ['email', 'email_verified'],
  groups: ['groups'],
};

/**
 * The claims of a grant's identity snapshot that its scope releases, for the ID token and
 * userinfo alike (so both agree). Absent claims stay absent; `sub` is never taken from here.
 */
export function claimsForScope(claims: JsonObject, scope: readonly string[]): Record<string, unknown> {
  const released: Record<string, unknown> = {};
  for (const name of scope) {
    for (const claim of CLAIMS_BY_SCOPE[name] ?? []) {
      const value = claims[claim];
      if (value !== undefined && value !== null) released[claim] = value;
    }
  }
  return released;
}
