/**
 * Claim formats relying parties depend on (relying-parties.md §1.6 items 11 and 12).
 */

const EMAIL_LIKE = /^[^\s@]+@[^\s@]+$/;
/** A DNS name with at least two labels and an alphabetic TLD: `github` or `passkey` are not. */
const EMAIL_DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** Whether a login name has the form of an email address (`local@domain`). */
export function looksLikeEmail(login: string): boolean {
  return EMAIL_LIKE.test(login);
}

/**
 * Whether a login is an address on a real email domain, as opposed to a tailnet pseudo-address
 * such as `alice@github` or `bob@passkey`: only then is `email_verified` true.
 */
export function isRealEmail(login: string): boolean {
  if (!looksLikeEmail(login)) return false;
  const domain = login.slice(login.lastIndexOf('@') + 1);
  return EMAIL_DOMAIN.test(domain);
}

/**
 * `preferred_username` as Headscale accepts it: lower-case, starting with a letter, made of
 * `[a-z0-9._-]`, at least two characters long, derived from the login's local part. Other
 * characters become `-`; leading characters that are not letters are dropped. Undefined when
 * fewer than two characters are left: Headscale's username validation rejects shorter names,
 * and leaving the claim out is better than sending one a relying party refuses.
 */
export function preferredUsername(login: string): string | undefined {
  const at = login.lastIndexOf('@');
  const local = (at > 0 ? login.slice(0, at) : login).toLowerCase();
  const cleaned = local.replace(/[^a-z0-9._-]/g, '-').replace(/^[^a-z]+/, '');
  return cleaned.length < 2 ? undefined : cleaned;
}
