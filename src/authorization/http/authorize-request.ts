import type { RegisteredClient } from '../../clients/read-model/client-directory.js';
import { allowedScopes } from '../../clients/domain/client-metadata.js';
import type { OAuthErrorCode } from '../../common/http/oauth-error.js';
import { isWellFormedPkceValue, type PkceMethod } from '../domain/pkce.js';
import { isRegisteredRedirectUri } from '../domain/redirect-uri-match.js';
import { readResourceIndicators } from '../domain/resource-indicators.js';
import type { RequestParameters } from './request-parameters.js';

/** Error codes /authorize may answer with: RFC 6749 §4.1.2.1 and OIDC Core §3.1.2.6. */
export type AuthorizeErrorCode = OAuthErrorCode | 'request_not_supported' | 'request_uri_not_supported';

/** The scopes meshid knows; any other requested scope is dropped (relying-parties §1.6 item 8). */
export const KNOWN_SCOPES = ['openid', 'profile', 'email', 'groups', 'offline_access'] as const;

/** The prompt values acted on (OIDC Core §3.1.2.1); other values are ignored. */
export const PROMPT_VALUES = ['none', 'login', 'consent', 'select_account'] as const;
export type Prompt = (typeof PROMPT_VALUES)[number];

/** Longest `state` and `nonce` kept: they travel in URLs and the nonce is stored with the code. */
const MAX_OPAQUE_LENGTH = 2048;

/** A request whose client and redirect URI are trusted and whose parameters are all valid. */
export interface ValidAuthorizeRequest {
  client: RegisteredClient;
  redirectUri: string;
  scope: string[];
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: PkceMethod;
  prompt: ReadonlySet<Prompt>;
  maxAge?: number;
  /** RFC 8707 resource indicators, distinct, in request order; policy filters them once the person is known. */
  resources: string[];
}

export type AuthorizeValidation =
  /** The redirect URI cannot be trusted: shown to the person, never redirected (RFC 6749 §4.1.2.1). */
  | { kind: 'page'; status: number; error: AuthorizeErrorCode; description: string }
  /** Sent back to the trusted redirect URI. */
  | { kind: 'redirect'; redirectUri: string; error: AuthorizeErrorCode; description: string; state?: string }
  | { kind: 'valid'; request: ValidAuthorizeRequest };

/**
 * Validates an authorization request in tsidp's order (reference/tsidp.md §2.4): redirect_uri
 * missing, client_id missing, unknown client, redirect_uri not exactly registered — these are
 * pages; everything after is redirected with the error. Unknown parameters are ignored.
 */
export function validateAuthorizeRequest(
  params: RequestParameters,
  findClient: (clientId: string) => RegisteredClient | undefined,
): AuthorizeValidation {
  const page = (error: AuthorizeErrorCode, description: string, status = 400): AuthorizeValidation => ({ kind: 'page', status, error, description });

  if (params.repeated.has('redirect_uri')) return page('invalid_request', 'redirect_uri is given more than once');
  const redirectUri = params.get('redirect_uri');
  if (redirectUri === undefined) return page('invalid_request', 'must specify redirect_uri');
  if (params.repeated.has('client_id')) return page('invalid_request', 'client_id is given more than once');
  const clientId = params.get('client_id');
  if (clientId === undefined) return page('invalid_request', 'must specify client_id');
  const client = findClient(clientId);
  if (client === undefined) return page('invalid_client', 'invalid client ID');
  if (!isRegisteredRedirectUri(client.metadata.redirect_uris, redirectUri)) return page('invalid_request', 'redirect_uri mismatch');

  const state = params.get('state');
  const fail = (error: AuthorizeErrorCode, description: string): AuthorizeValidation => ({
    kind: 'redirect',
    redirectUri,
    error,
    description,
    ...(state !== undefined && state.length <= MAX_OPAQUE_LENGTH ? { state } : {}),
  });

  if (params.repeated.size > 0) return fail('invalid_request', `parameters given more than once: ${[...params.repeated].sort().join(', ')}`);
  if (params.get('request') !== undefined) return fail('request_not_supported', 'request objects are not supported');
  if (params.get('request_uri') !== undefined) return fail('request_uri_not_supported', 'request_uri is not supported');

  const responseType = params.get('response_type');
  if (responseType === undefined) return fail('invalid_request', 'must specify response_type');
  if (responseType !== 'code') return fail('unsupported_response_type', 'only response_type=code is supported');
  if (!client.metadata.grant_types.includes('authorization_code')) {
    return fail('unauthorized_client', 'this client is not registered for the authorization_code grant');
  }
  const responseMode = params.get('response_mode');
  if (responseMode !== undefined && responseMode !== 'query') return fail('invalid_request', 'only response_mode=query is supported');

  if (state !== undefined && state.length > MAX_OPAQUE_LENGTH) return fail('invalid_request', `state is longer than ${MAX_OPAQUE_LENGTH} characters`);
  const nonce = params.get('nonce');
  if (nonce !== undefined && nonce.length > MAX_OPAQUE_LENGTH) return fail('invalid_request', `nonce is longer than ${MAX_OPAQUE_LENGTH} characters`);

  const prompts = new Set((params.get('prompt') ?? '').split(' ').filter((value): value is Prompt => (PROMPT_VALUES as readonly string[]).includes(value)));
  if (prompts.has('none') && prompts.size > 1) return fail('invalid_request', 'prompt=none cannot be combined with other prompt values');

  let maxAge: number | undefined;
  const maxAgeText = params.get('max_age');
  if (maxAgeText !== undefined) {
    if (!/^[0-9]{1,10}$/.test(maxAgeText)) return fail('invalid_request', 'max_age must be a non-negative integer');
    maxAge = Number(maxAgeText);
  }

  const challenge = params.get('code_challenge');
  const method = params.get('code_challenge_method');
  if (challenge === undefined) {
    if (method !== undefined) return fail('invalid_request', 'code_challenge_method without code_challenge');
    if (!client.confidential || client.metadata.require_pkce) return fail('invalid_request', 'this client must use PKCE: code_challenge (S256) is required');
  } else {
    if (method !== undefined && method !== 'S256') {
      // No client metadata allows plain yet; relying-parties §1.6 item 14 keeps it behind a flag.
      return fail('invalid_request', method === 'plain' ? 'code_challenge_method plain is not allowed: use S256' : 'unsupported code_challenge_method');
    }
    if (!isWellFormedPkceValue(challenge)) return fail('invalid_request', 'code_challenge must be 43-128 characters of [A-Za-z0-9-._~]');
  }

  const resources = readResourceIndicators(params.all('resource'));
  if (!resources.ok) return fail('invalid_target', resources.description);

  const allowed = new Set(allowedScopes(client.metadata));
  const requested = (params.get('scope') ?? 'openid').split(' ').filter(Boolean);
  const scope = [...new Set(requested)].filter((s) => allowed.has(s) && (KNOWN_SCOPES as readonly string[]).includes(s));

  return {
    kind: 'valid',
    request: {
      client,
      redirectUri,
      scope,
      prompt: prompts,
      resources: resources.resources,
      ...(state !== undefined ? { state } : {}),
      ...(nonce !== undefined ? { nonce } : {}),
      ...(challenge !== undefined ? { codeChallenge: challenge, codeChallengeMethod: 'S256' as const } : {}),
      ...(maxAge !== undefined ? { maxAge } : {}),
    },
  };
}
