import { isLoopbackHost } from '../../clients/domain/redirect-uri.js';

/**
 * Whether an authorization request's `redirect_uri` is one the client registered: the same
 * string (RFC 6749 §3.1.2.3, OAuth 2.1 exact matching), or, for a plain-http loopback redirect
 * URI, the same URI on any port (RFC 8252 §7.3: a native app listens on whatever port the
 * system gives it). `localhost` counts as loopback because MCP and other native clients register
 * it; the rest of the URI (scheme, host, path, query) must match exactly.
 */
export function isRegisteredRedirectUri(registered: readonly string[], requested: string): boolean {
  if (registered.includes(requested)) return true;
  const asked = loopbackWithoutPort(requested);
  return asked !== null && registered.some((uri) => loopbackWithoutPort(uri) === asked);
}

/** A loopback http URI with its port removed, as text; null for any other URI. */
function loopbackWithoutPort(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' || !isLoopbackHost(url.hostname) || url.username !== '' || url.password !== '' || url.hash !== '') return null;
  // Compare what the client wrote, minus the port: the URL parser would also normalise the path.
  const authority = /^http:\/\/([^/?#]*)/i.exec(uri)?.[1];
  if (authority === undefined) return null;
  const host = authority.replace(/:[0-9]*$/, '');
  return `http://${host.toLowerCase()}${uri.slice(`http://${authority}`.length)}`;
}
