/**
 * Which client ids are Client ID Metadata Document URLs (draft-ietf-oauth-client-id-metadata-document
 * §3): an https URL with a path, without fragment, credentials or dot segments. meshid also
 * refuses query strings (the draft's SHOULD NOT) and URLs not written in the canonical form the
 * WHATWG URL parser gives them: the client id is compared with the document's `client_id` as a
 * plain string, used as the cache key and fetched, so all three must be one and the same string.
 */

import { MAX_URL_LENGTH, readAbsoluteUrl } from '../../common/absolute-url.js';

/** The draft sets no bound; this is every outside URL's bound, and keeps cache keys small. */
export const MAX_CLIENT_ID_URL_LENGTH = MAX_URL_LENGTH;

/** Why `clientId` cannot be a metadata-document URL, or null if it can. */
export function clientIdUrlProblem(clientId: string): string | null {
  if (!/^https:\/\//i.test(clientId)) return 'must be an https URL';
  // URL parsers read `\` as `/` in https URLs, but not every parser: the text would be ambiguous.
  if (clientId.includes('\\')) return 'must not contain backslashes';
  if (clientId.includes('?')) return 'must not contain a query string (?)';
  const read = readAbsoluteUrl(clientId);
  if (!read.ok) return read.problem;
  const url = read.url;
  // The parser removes dot segments (also percent-encoded ones), so they are looked for in the
  // text as written: the document's client_id must match that text, not the normalized one.
  const slash = clientId.indexOf('/', 'https://'.length);
  const rawPath = slash === -1 ? '' : clientId.slice(slash);
  const segments = rawPath.split('/').map((segment) => segment.replace(/%2e/gi, '.'));
  if (segments.some((segment) => segment === '.' || segment === '..')) return 'must not contain . or .. path segments';
  if (url.pathname === '/' || rawPath === '') return 'must have a path (other than /)';
  if (url.href !== clientId) return `must be written in canonical form (${url.href})`;
  return null;
}

/**
 * Whether `clientId` is to be treated as a metadata-document URL. Registered client ids
 * (`[A-Za-z0-9._-]`) never are: they cannot contain `:`.
 */
export function isClientIdUrl(clientId: string): boolean {
  return clientIdUrlProblem(clientId) === null;
}
