import { isRealEmail, looksLikeEmail, preferredUsername } from './claim-rules.js';
import type { IdentityClaims } from './identity.js';

/** Tailscale's pseudo-domains for logins that are not mailboxes (reference/tsidp.md §3.1). */
const PSEUDO_DOMAINS = new Set(['github', 'passkey']);

/**
 * `email` as tsidp writes it: `bob@github` and `carol@passkey` become addresses under meshid's
 * own host (`bob@github.idp.tail1234.ts.net`) so that relying parties that insist on a dotted
 * domain accept them; they are marked unverified, being nobody's mailbox.
 */
export function realishEmail(login: string, issuerHost: string): string | undefined {
  if (!looksLikeEmail(login)) return undefined;
  const at = login.lastIndexOf('@');
  const domain = login.slice(at + 1);
  return PSEUDO_DOMAINS.has(domain.toLowerCase()) ? `${login}.${issuerHost}` : login;
}

/**
 * The OIDC claims of a person from their tailnet login, display name, picture and groups: the
 * same rules whichever resolver found them (whois or the serve proxy's headers).
 */
export function personClaims(
  login: string,
  details: { name?: string | undefined; picture?: string | undefined; groups?: readonly string[] },
  issuerHost: string,
): IdentityClaims {
  const claims: IdentityClaims = { name: details.name?.trim() ? details.name : login, groups: [...new Set(details.groups ?? [])] };
  const email = realishEmail(login, issuerHost);
  if (email !== undefined) {
    claims.email = email;
    claims.email_verified = isRealEmail(login);
  }
  const username = preferredUsername(login);
  if (username !== undefined) claims.preferred_username = username;
  if (details.picture !== undefined && /^https?:\/\/\S+$/i.test(details.picture)) claims.picture = details.picture;
  return claims;
}
