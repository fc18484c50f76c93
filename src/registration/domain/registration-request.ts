import { KNOWN_SCOPES } from '../../authorization/http/authorize-request.js';
import {
  type ClientMetadata,
  type ClientMetadataInput,
  DESCRIPTIVE_FIELDS,
  describeValue,
  type FieldError,
  validateClientMetadata,
} from '../../clients/domain/client-metadata.js';

/**
 * The metadata a registering client may give (RFC 7591 §2, OIDC Registration §2). Everything
 * else is ignored, as RFC 7591 §2 requires of what a server does not understand, among it
 * `jwks`, `jwks_uri` and `software_statement`, which meshid does not support and never stores.
 */
export const REGISTRATION_FIELDS = [
  'client_name', 'redirect_uris', 'post_logout_redirect_uris', 'grant_types', 'token_endpoint_auth_method',
  'id_token_signed_response_alg', 'scope', ...DESCRIPTIVE_FIELDS,
] as const;

/**
 * meshid's own policy fields: only an administrator sets them. A registering client that sends
 * one is refused rather than ignored, so that it does not believe it got, say, PKCE switched off.
 */
export const ADMIN_ONLY_FIELDS = ['require_pkce', 'allow_insecure_http_redirects', 'refresh_token_rotation', 'refresh_token_ttl_seconds'] as const;
export type AdminPolicy = Pick<ClientMetadata, (typeof ADMIN_ONLY_FIELDS)[number]>;

/**
 * Most redirect (or post-logout) URIs one registration may list. Registration is open to more
 * callers than administration, and every URI is stored in the client's events and checked on
 * each /authorize; real clients list a handful.
 */
export const MAX_REGISTERED_URIS = 100;

/** RFC 7591 §2: grant_types defaults to authorization_code alone (no refresh tokens unless asked). */
const DEFAULT_GRANT_TYPES = ['authorization_code'];

export type RegistrationRequest =
  /** `input` for the client commands, and what it validates to. */
  | { ok: true; input: ClientMetadataInput; metadata: ClientMetadata }
  /** The body is not a JSON object at all. */
  | { ok: false; error: 'invalid_request'; description: string }
  /** The metadata breaks rules; each problem names its field and value. */
  | { ok: false; error: 'invalid_metadata'; errors: FieldError[] };

/**
 * Maps a registration (RFC 7591 §3.1) or full-replacement update (RFC 7592 §2.2) request body to
 * client metadata, with RFC 7591's defaults for what is left out, and validates it. `policy`,
 * for an update, is the client's current administrator-set policy, kept as it is; a new
 * registration gets the defaults. A JSON `null` counts as a field left out.
 */
export function parseRegistrationRequest(body: unknown, policy?: AdminPolicy): RegistrationRequest {
  if (!isPlainObject(body)) {
    return { ok: false, error: 'invalid_request', description: 'the body must be a JSON object of client metadata (RFC 7591 §3.1)' };
  }
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, message });
  const given = (field: string): unknown => (Object.hasOwn(body, field) && body[field] !== null ? body[field] : undefined);

  for (const field of ADMIN_ONLY_FIELDS) {
    if (given(field) !== undefined) fail(field, `${describeValue(body[field])}: only an administrator may set ${field}`);
  }
  const responseTypes = given('response_types');
  if (responseTypes !== undefined && !(Array.isArray(responseTypes) && responseTypes.length === 1 && responseTypes[0] === 'code')) {
    fail('response_types', `${describeValue(responseTypes)}: only ["code"] is supported`);
  }

  const input: Record<string, unknown> = {};
  for (const field of REGISTRATION_FIELDS) {
    const value = given(field);
    if (value !== undefined) input[field] = value;
  }
  input['client_name'] ??= nameFromRedirectUri(input['redirect_uris']);
  for (const field of ['redirect_uris', 'post_logout_redirect_uris']) {
    const list = input[field];
    if (Array.isArray(list) && list.length > MAX_REGISTERED_URIS) {
      fail(field, `lists ${list.length} URIs; at most ${MAX_REGISTERED_URIS} may be registered`);
      delete input[field];
    }
  }
  input['grant_types'] ??= DEFAULT_GRANT_TYPES;
  if (typeof input['scope'] === 'string') {
    // A client cannot register itself into scopes meshid does not know: they are dropped, and
    // the response shows what was kept (RFC 7591 §3.2.1 lets the server change the metadata).
    const kept = input['scope'].split(' ').filter((scope) => (KNOWN_SCOPES as readonly string[]).includes(scope));
    if (kept.length === 0) fail('scope', `${describeValue(input['scope'])}: names none of the supported scopes (${KNOWN_SCOPES.join(' ')})`);
    input['scope'] = kept.join(' ');
  }
  if (policy !== undefined) for (const field of ADMIN_ONLY_FIELDS) input[field] = policy[field];

  const validation = validateClientMetadata(input);
  if (!validation.ok) {
    // A list refused above for its length was left out; what validation says about it then is noise.
    const reported = new Set(errors.map((error) => baseField(error.field)));
    errors.push(...validation.errors.filter((error) => !reported.has(baseField(error.field))));
  }
  if (errors.length > 0 || !validation.ok) return { ok: false, error: 'invalid_metadata', errors };
  return { ok: true, input, metadata: validation.metadata };
}

/** RFC 7591 leaves client_name optional; meshid shows a name on consent, so it uses the first redirect URI's host. */
function nameFromRedirectUri(uris: unknown): string | undefined {
  const first = Array.isArray(uris) ? uris[0] : undefined;
  if (typeof first !== 'string') return undefined;
  try {
    const url = new URL(first);
    // A native app's private-use scheme (com.example.app:/cb) has no host: its scheme names it.
    return url.hostname || url.protocol.slice(0, -1) || undefined;
  } catch {
    return undefined;
  }
}

/** `redirect_uris[3]` → `redirect_uris`. */
function baseField(field: string): string {
  const bracket = field.indexOf('[');
  return bracket === -1 ? field : field.slice(0, bracket);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
