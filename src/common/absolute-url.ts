/**
 * The rules every URL meshid takes from outside shares (redirect URIs, descriptive client URLs,
 * resource indicators, metadata-document client ids): bounded, no whitespace or control
 * characters, no fragment, absolute, and no user credentials (which would be logged and shown).
 * Each caller adds its own rules (scheme, loopback, path) to the parsed URL.
 */
export const MAX_URL_LENGTH = 2000;

export type AbsoluteUrl = { ok: true; url: URL } | { ok: false; problem: string };

export function readAbsoluteUrl(value: string): AbsoluteUrl {
  const fail = (problem: string): AbsoluteUrl => ({ ok: false, problem });
  if (value.length === 0) return fail('must not be empty');
  if (value.length > MAX_URL_LENGTH) return fail(`must be at most ${MAX_URL_LENGTH} characters`);
  if (/[\s\u0000-\u001f\u007f]/.test(value)) return fail('must not contain spaces or control characters');
  if (value.includes('#')) return fail('must not contain a fragment (#)');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail('must be a valid absolute URI (scheme:...)');
  }
  if (url.username !== '' || url.password !== '') return fail('must not contain user credentials');
  return { ok: true, url };
}
