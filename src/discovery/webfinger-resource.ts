/** The longest `resource` read: an address is at most 254 characters (RFC 5321), plus `acct:` and escapes. */
const MAX_RESOURCE_LENGTH = 512;
/** A URI scheme (RFC 3986 §3.1). */
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
/** RFC 7565 `userpart`: unreserved and sub-delims characters, and percent-escapes. */
const USERPART = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})+$/;
/** A DNS name (RFC 1123 labels), any case. */
const DOMAIN = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** An `acct:` resource: the address it names, its domain in lower case. */
export interface AcctResource {
  /** The resource as requested: the JRD's `subject`. */
  resource: string;
  /** The user part, percent-decoded (case kept: only the domain is case-insensitive). */
  local: string;
  /** The host, lower-cased. */
  domain: string;
}

export type ResourceReading =
  | { kind: 'acct'; account: AcctResource }
  /** A well-formed URI of another scheme: nothing meshid describes (404, not 400). */
  | { kind: 'other' }
  | { kind: 'malformed'; reason: string };

/**
 * Reads WebFinger's `resource` parameter (RFC 7033 §4.1): a URI, of which meshid describes only
 * `acct:user@host` (RFC 7565). Anything that is not a URI, or an `acct:` URI that names no
 * address, is malformed (400); a URI of another scheme is simply unknown (404).
 */
export function readWebfingerResource(resource: string): ResourceReading {
  if (resource.length > MAX_RESOURCE_LENGTH) return { kind: 'malformed', reason: `resource is longer than ${MAX_RESOURCE_LENGTH} characters` };
  const scheme = SCHEME.exec(resource)?.[1];
  if (scheme === undefined || /[\s\u0000-\u001f\u007f]/.test(resource)) return { kind: 'malformed', reason: 'resource must be a URI, e.g. acct:alice@example.com' };
  if (scheme.toLowerCase() !== 'acct') return { kind: 'other' };
  const address = resource.slice(scheme.length + 1);
  const at = address.lastIndexOf('@');
  const userpart = address.slice(0, Math.max(at, 0));
  const host = address.slice(at + 1);
  if (at <= 0 || !USERPART.test(userpart) || !DOMAIN.test(host)) {
    return { kind: 'malformed', reason: 'an acct: resource must be acct:user@domain' };
  }
  const local = decodeURIComponentOrNull(userpart);
  if (local === null || /[@\s\u0000-\u001f\u007f]/.test(local)) return { kind: 'malformed', reason: 'the user part of the acct: resource is not a valid address' };
  return { kind: 'acct', account: { resource, local, domain: host.toLowerCase() } };
}

/**
 * Whether `candidate` (`local@domain`, as configured or recorded) is the address of `account`:
 * the local part exactly, the domain in any case (RFC 5321 §2.4).
 */
export function isAddressOf(candidate: string, account: Pick<AcctResource, 'local' | 'domain'>): boolean {
  const at = candidate.lastIndexOf('@');
  return at > 0 && candidate.slice(0, at) === account.local && candidate.slice(at + 1).toLowerCase() === account.domain;
}

function decodeURIComponentOrNull(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
