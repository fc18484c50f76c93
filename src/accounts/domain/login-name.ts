/** Longest login accepted (Headscale has no limit; this keeps stream digests and pages sane). */
export const MAX_LOGIN_LENGTH = 64;

/**
 * The form logins are compared in: NFKC (so that look-alike compositions and full-width forms
 * are one name) then lower case. Uniqueness, sign-in and look-ups all use it.
 */
export function normaliseLogin(login: string): string {
  return login.normalize('NFKC').toLowerCase();
}

/**
 * Why `login` breaks Headscale's username rule (relying-parties §1.1, `ValidateUsername`), or
 * null when it keeps it: 2–64 characters, starting with a letter, only letters, digits, `-`, `.`,
 * `_`, and at most one `@`. Checked on the NFKC form, which is what `preferred_username` carries
 * once normalised; a login Headscale would refuse is refused here, not silently emptied there.
 */
export function loginRuleViolation(login: string): string | null {
  const nfkc = login.normalize('NFKC');
  const length = [...nfkc].length;
  if (length < 2 || length > MAX_LOGIN_LENGTH) return `must be 2-${MAX_LOGIN_LENGTH} characters long`;
  if (!/^\p{L}/u.test(nfkc)) return 'must start with a letter';
  if (!/^[\p{L}\p{Nd}._@-]+$/u.test(nfkc)) return 'may contain only letters, digits, "-", "." , "_" and one "@"';
  if (nfkc.split('@').length > 2) return 'may contain at most one "@"';
  return null;
}
