/**
 * How long a fetched metadata document is reused (draft §4.4: the server caches it as HTTP
 * caching says, within bounds of its own). The floor keeps a `no-store` or `max-age=0` client
 * from making meshid fetch on every request; the ceiling lets a changed document (a new redirect
 * URI, a removed one) take effect within a day whatever the client said.
 */
export const MIN_DOCUMENT_LIFETIME_MS = 60_000;
export const MAX_DOCUMENT_LIFETIME_MS = 24 * 3600_000;
export const DEFAULT_DOCUMENT_LIFETIME_MS = 5 * 60_000;
/** A failure is remembered this long, so a bad URL does not cost a fetch per request. */
export const FAILURE_LIFETIME_MS = 30_000;

/** The lifetime of a document served with this `Cache-Control` header (undefined if none). */
export function documentLifetimeMs(cacheControl: string | undefined): number {
  if (cacheControl === undefined) return DEFAULT_DOCUMENT_LIFETIME_MS;
  const directives = cacheControl.toLowerCase().split(',').map((directive) => directive.trim());
  if (directives.some((directive) => directive === 'no-store' || directive === 'no-cache')) return MIN_DOCUMENT_LIFETIME_MS;
  const maxAge = directives.map((directive) => /^max-age\s*=\s*"?(\d{1,12})"?$/.exec(directive)).find((match) => match !== null);
  if (maxAge === undefined || maxAge === null) return DEFAULT_DOCUMENT_LIFETIME_MS;
  return Math.min(MAX_DOCUMENT_LIFETIME_MS, Math.max(MIN_DOCUMENT_LIFETIME_MS, Number(maxAge[1]) * 1000));
}
