import { readAbsoluteUrl } from '../../common/absolute-url.js';

/**
 * Redirect-URI rules (RFC 6749 §3.1.2, RFC 8252 for native apps, OAuth 2.0 Security BCP §4.1).
 * A redirect URI is where an authorization code is delivered, so a bad one leaks codes: these
 * rules are checked once, at registration and on every update, never loosened at /authorize
 * (which compares the registered strings exactly).
 */

/** Schemes that run code or read local data in a browser: never a redirect target. */
const DANGEROUS_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'blob:', 'filesystem:', 'about:', 'view-source:']);

/** 127.0.0.0/8, `[::1]` and `localhost`: the hosts plain http may be used with (RFC 8252 §7.3). */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  const octets = hostname.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((octet) => /^(0|[1-9][0-9]{0,2})$/.test(octet) && Number(octet) <= 255);
}

/**
 * Why `uri` cannot be a redirect URI, or null if it can. `allowInsecureHttp` lets plain http
 * reach non-loopback hosts (an explicit per-client opt-in, for lab tailnets without TLS).
 */
export function redirectUriProblem(uri: string, allowInsecureHttp: boolean): string | null {
  const read = readAbsoluteUrl(uri);
  if (!read.ok) return read.problem;
  const url = read.url;
  if (DANGEROUS_SCHEMES.has(url.protocol)) return `scheme "${url.protocol}" is not allowed`;
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') {
    if (isLoopbackHost(url.hostname) || allowInsecureHttp) return null;
    return 'plain http is only allowed for loopback hosts (127.0.0.1, [::1], localhost) unless allow_insecure_http_redirects is set';
  }
  // Any other scheme is a native app's private-use scheme (RFC 8252 §7.1), e.g. com.example.app:/cb.
  return null;
}
