import { readAbsoluteUrl } from '../../common/absolute-url.js';
import { isLoopbackHost, redirectUriProblem } from './redirect-uri.js';

/** RFC 8693's grant type. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials', TOKEN_EXCHANGE_GRANT] as const;
export const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;
export const ID_TOKEN_ALGS = ['RS256', 'ES256', 'EdDSA'] as const;
export const APPLICATION_TYPES = ['web', 'native'] as const;

export type GrantType = (typeof GRANT_TYPES)[number];
export type TokenEndpointAuthMethod = (typeof AUTH_METHODS)[number];
export type IdTokenAlg = (typeof ID_TOKEN_ALGS)[number];
export type ApplicationType = (typeof APPLICATION_TYPES)[number];

/**
 * A client's registered metadata, named as in RFC 7591 (plus meshid's own policy fields).
 * This is the validated, complete form: every field has its value, defaults filled in.
 */
export interface ClientMetadata {
  client_name: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: GrantType[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  id_token_signed_response_alg: IdTokenAlg;
  /** The scopes the client may be granted, space-separated (RFC 7591 `scope`). */
  scope: string;
  /** PKCE (S256) required at /authorize. Always true for public clients. */
  require_pkce: boolean;
  /** Lets redirect URIs use plain http to non-loopback hosts. */
  allow_insecure_http_redirects: boolean;
  /** A refresh token is single use: each refresh returns a new one, and a replay revokes the grant. */
  refresh_token_rotation: boolean;
  refresh_token_ttl_seconds: number;
  // Descriptive fields (RFC 7591 §2, OIDC Registration §2): shown to people, never acted on.
  // Absent means not given; events written before they existed have none of them.
  /** Home page of the client. */
  client_uri?: string;
  logo_uri?: string;
  tos_uri?: string;
  policy_uri?: string;
  /** Ways to reach the people responsible for the client, typically e-mail addresses. */
  contacts?: string[];
  software_id?: string;
  software_version?: string;
  application_type?: ApplicationType;
}

/** The descriptive URL fields: web pages people may be sent to. */
export const DESCRIPTIVE_URL_FIELDS = ['client_uri', 'logo_uri', 'tos_uri', 'policy_uri'] as const;
/** Every optional descriptive field, in the order responses list them. */
export const DESCRIPTIVE_FIELDS = [...DESCRIPTIVE_URL_FIELDS, 'contacts', 'software_id', 'software_version', 'application_type'] as const;

/** What a caller may give: any field may be left out and gets its default. */
export type ClientMetadataInput = { [K in keyof ClientMetadata]?: unknown };

export const DEFAULT_SCOPE = 'openid profile email groups offline_access';
export const DEFAULT_REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
const MAX_REFRESH_TOKEN_TTL_SECONDS = 366 * 24 * 3600;
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
const MAX_CONTACTS = 10;
const MAX_CONTACT_LENGTH = 320;
const MAX_SOFTWARE_LENGTH = 200;
/** Longest rendering of an offending value in a message: a huge value is named, not echoed whole. */
const MAX_SHOWN_LENGTH = 200;
const FIELDS = new Set<string>([
  'client_name', 'redirect_uris', 'post_logout_redirect_uris', 'grant_types', 'token_endpoint_auth_method',
  'id_token_signed_response_alg', 'scope', 'require_pkce', 'allow_insecure_http_redirects',
  'refresh_token_rotation', 'refresh_token_ttl_seconds', ...DESCRIPTIVE_FIELDS,
]);

/** One problem with one field; `field` is the RFC 7591 name, with an index for list items. */
export interface FieldError {
  field: string;
  message: string;
}

export type MetadataValidation = { ok: true; metadata: ClientMetadata } | { ok: false; errors: FieldError[] };

/** Whether a client authenticates at the token endpoint with a secret (it is confidential). */
export function isConfidential(method: TokenEndpointAuthMethod): boolean {
  return method !== 'none';
}

/** The scopes a client may be granted, as a list. */
export function allowedScopes(metadata: Pick<ClientMetadata, 'scope'>): string[] {
  return metadata.scope.split(' ').filter(Boolean);
}

/**
 * Validates `input` and fills in defaults. Every problem is reported, each naming its field and
 * the offending value, so that one round trip fixes them all.
 */
export function validateClientMetadata(input: ClientMetadataInput): MetadataValidation {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, message });
  for (const key of Object.keys(input)) if (!FIELDS.has(key)) fail(key, 'is not a client metadata field');

  const name = typeof input.client_name === 'string' ? input.client_name.trim() : '';
  if (typeof input.client_name !== 'string' || name === '') fail('client_name', 'is required (a non-empty string)');
  else if (name.length > 200 || /[\u0000-\u001f\u007f]/.test(name)) fail('client_name', 'must be at most 200 characters, without control characters');

  const method = oneOf(input.token_endpoint_auth_method, AUTH_METHODS, 'client_secret_basic', 'token_endpoint_auth_method', fail);
  const alg = oneOf(input.id_token_signed_response_alg, ID_TOKEN_ALGS, 'RS256', 'id_token_signed_response_alg', fail);
  const allowHttp = flag(input.allow_insecure_http_redirects, false, 'allow_insecure_http_redirects', fail);
  const rotation = flag(input.refresh_token_rotation, true, 'refresh_token_rotation', fail);
  const grants = stringList(input.grant_types, ['authorization_code', 'refresh_token'], 'grant_types', fail);
  grants.forEach((grant, i) => {
    if (!(GRANT_TYPES as readonly string[]).includes(grant)) fail(`grant_types[${i}]`, `${JSON.stringify(grant)} is not one of ${GRANT_TYPES.join(', ')}`);
  });
  if (input.grant_types !== undefined && grants.length === 0) fail('grant_types', 'must name at least one grant type');
  for (const grant of ['client_credentials', TOKEN_EXCHANGE_GRANT]) {
    if (grants.includes(grant) && method === 'none') fail('grant_types', `${grant} needs a confidential client (token_endpoint_auth_method other than none)`);
  }

  const redirects = uriList(input.redirect_uris, 'redirect_uris', allowHttp, fail);
  if (grants.includes('authorization_code') && redirects.length === 0 && !errors.some((e) => e.field.startsWith('redirect_uris'))) {
    fail('redirect_uris', 'must hold at least one URI for the authorization_code grant');
  }
  const postLogout = uriList(input.post_logout_redirect_uris, 'post_logout_redirect_uris', allowHttp, fail);

  let scope = DEFAULT_SCOPE;
  if (input.scope !== undefined) {
    if (typeof input.scope !== 'string') fail('scope', 'must be a space-separated string of scopes');
    else {
      const tokens = input.scope.split(' ').filter(Boolean);
      const bad = tokens.find((token) => !SCOPE_TOKEN.test(token));
      if (bad !== undefined) fail('scope', `${JSON.stringify(bad)} is not a valid scope (RFC 6749 §3.3)`);
      scope = [...new Set(tokens)].join(' ');
    }
  }

  const pkce = flag(input.require_pkce, method === 'none', 'require_pkce', fail);
  if (method === 'none' && !pkce) fail('require_pkce', 'must be true for a public client (token_endpoint_auth_method none)');
  // OAuth 2.1 §4.3.1: a public client's refresh tokens must be sender-constrained or rotate with
  // replay detection; meshid rotates, so for them the replay detection cannot be switched off.
  if (method === 'none' && !rotation) fail('refresh_token_rotation', 'must be true for a public client (token_endpoint_auth_method none)');

  let ttl = DEFAULT_REFRESH_TOKEN_TTL_SECONDS;
  if (input.refresh_token_ttl_seconds !== undefined) {
    const value = input.refresh_token_ttl_seconds;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 60 || value > MAX_REFRESH_TOKEN_TTL_SECONDS) {
      fail('refresh_token_ttl_seconds', `${JSON.stringify(value)}: expected an integer from 60 to ${MAX_REFRESH_TOKEN_TTL_SECONDS}`);
    } else ttl = value;
  }

  const descriptive = descriptiveFields(input, fail);

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    metadata: {
      client_name: name,
      redirect_uris: redirects,
      post_logout_redirect_uris: postLogout,
      grant_types: grants as GrantType[],
      token_endpoint_auth_method: method,
      id_token_signed_response_alg: alg,
      scope,
      require_pkce: pkce,
      allow_insecure_http_redirects: allowHttp,
      refresh_token_rotation: rotation,
      refresh_token_ttl_seconds: ttl,
      ...descriptive,
    },
  };
}

type Descriptive = Pick<ClientMetadata, (typeof DESCRIPTIVE_FIELDS)[number]>;

/** The descriptive fields that were given, validated; those not given stay absent (no key at all). */
function descriptiveFields(input: ClientMetadataInput, fail: Fail): Descriptive {
  const result: Descriptive = {};
  for (const field of DESCRIPTIVE_URL_FIELDS) {
    const value = input[field];
    if (value === undefined) continue;
    const problem = typeof value === 'string' ? webUrlProblem(value) : 'must be a string';
    if (problem === null) result[field] = value as string;
    else fail(field, `${describeValue(value)}: ${problem}`);
  }
  if (input.contacts !== undefined) {
    const contacts = input.contacts;
    if (!Array.isArray(contacts)) fail('contacts', `${describeValue(contacts)}: must be an array of strings`);
    else if (contacts.length > MAX_CONTACTS) fail('contacts', `must list at most ${MAX_CONTACTS} contacts, not ${contacts.length}`);
    else {
      let valid = true;
      contacts.forEach((contact: unknown, i) => {
        if (typeof contact !== 'string' || contact.trim() === '' || contact.length > MAX_CONTACT_LENGTH || CONTROL_CHARACTERS.test(contact)) {
          fail(`contacts[${i}]`, `${describeValue(contact)}: must be a non-empty string of at most ${MAX_CONTACT_LENGTH} characters, without control characters`);
          valid = false;
        }
      });
      if (valid) result.contacts = [...(contacts as string[])];
    }
  }
  for (const field of ['software_id', 'software_version'] as const) {
    const value = input[field];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_SOFTWARE_LENGTH || CONTROL_CHARACTERS.test(value)) {
      fail(field, `${describeValue(value)}: must be a non-empty string of at most ${MAX_SOFTWARE_LENGTH} characters, without control characters`);
    } else result[field] = value;
  }
  if (input.application_type !== undefined) {
    result.application_type = oneOf(input.application_type, APPLICATION_TYPES, 'web', 'application_type', fail);
  }
  return result;
}

/**
 * Why `url` cannot be a descriptive URL (a page a person may be sent to, or an image shown), or
 * null if it can: absolute https, or plain http to a loopback host only (as redirect URIs); no
 * credentials, which would be shown to everyone, and no fragment.
 */
export function webUrlProblem(url: string): string | null {
  const read = readAbsoluteUrl(url);
  if (!read.ok) return read.problem;
  const parsed = read.url;
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return null;
  return 'must be an https URL (plain http only to loopback hosts: 127.0.0.1, [::1], localhost)';
}

/** `value` as JSON for a message, cut short when long. */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_SHOWN_LENGTH ? `${text.slice(0, MAX_SHOWN_LENGTH)}... (${text.length} characters)` : text;
}

type Fail = (field: string, message: string) => void;

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T, field: string, fail: Fail): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  fail(field, `${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
  return fallback;
}

function flag(value: unknown, fallback: boolean, field: string, fail: Fail): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  fail(field, `${JSON.stringify(value)}: expected true or false`);
  return fallback;
}

function stringList(value: unknown, fallback: string[], field: string, fail: Fail): string[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    fail(field, 'must be an array of strings');
    return [];
  }
  const seen = new Set<string>();
  value.forEach((item: string, i) => {
    if (seen.has(item)) fail(`${field}[${i}]`, `${JSON.stringify(item)} is listed twice`);
    seen.add(item);
  });
  return [...seen];
}

function uriList(value: unknown, field: string, allowHttp: boolean, fail: Fail): string[] {
  const uris = stringList(value, [], field, fail);
  uris.forEach((uri, i) => {
    const problem = redirectUriProblem(uri, allowHttp);
    if (problem !== null) fail(`${field}[${i}]`, `${JSON.stringify(uri)}: ${problem}`);
  });
  return uris;
}
