/**
 * Where a sign-in page sends the browser back to: only an authorization request of this server,
 * as a path and query (`/authorize?...`). Anything else (another host, a scheme, `//x`, a
 * backslash) is refused, so the login page cannot be used as an open redirector.
 */
export function parseReturnTo(value: string | undefined): string | null {
  if (value === undefined || value.length > 8192) return null;
  if (!value.startsWith('/authorize?') || /[\\\s]/.test(value)) return null;
  try {
    const url = new URL(value, 'http://meshid.invalid');
    return url.origin === 'http://meshid.invalid' && url.pathname === '/authorize' ? `${url.pathname}${url.search}` : null;
  } catch {
    return null;
  }
}

/** The sign-in page for an authorization request whose parameters are `query`. */
export function signInPath(query: URLSearchParams): string {
  return `/login?${new URLSearchParams({ return_to: `/authorize?${query}` })}`;
}

/**
 * The authorization request to go back to once the person has signed in: the person has just
 * authenticated, so what asked for that is taken out (`prompt=login`, `select_account`, and
 * `max_age`), or the request would send them to the sign-in page again.
 */
export function afterSignIn(returnTo: string): string {
  const url = new URL(returnTo, 'http://meshid.invalid');
  const prompt = (url.searchParams.get('prompt') ?? '')
    .split(' ')
    .filter((value) => value !== '' && value !== 'login' && value !== 'select_account');
  if (prompt.length > 0) url.searchParams.set('prompt', prompt.join(' '));
  else url.searchParams.delete('prompt');
  url.searchParams.delete('max_age');
  return `${url.pathname}${url.search}`;
}
