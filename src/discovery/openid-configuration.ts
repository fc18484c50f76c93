import { AUTH_METHODS, ID_TOKEN_ALGS } from '../clients/domain/client-metadata.js';
import { KNOWN_SCOPES, PROMPT_VALUES } from '../authorization/http/authorize-request.js';
import type { MeshidConfig } from '../config/meshid-config.js';
import { supportedGrantTypes } from '../tokens/issuance/supported-grant-types.js';

/** Where each endpoint lives, relative to the issuer. */
export const ENDPOINT_PATHS = {
  authorization: '/authorize',
  token: '/token',
  userinfo: '/userinfo',
  jwks: '/.well-known/jwks.json',
  introspection: '/introspect',
  revocation: '/revoke',
  endSession: '/end-session',
  registration: '/register',
} as const;

/** The claims meshid can put in ID tokens or userinfo. */
export const CLAIMS_SUPPORTED = [
  'iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'sid',
  'name', 'preferred_username', 'picture', 'email', 'email_verified', 'groups',
];

/**
 * The discovery document (OIDC Discovery 1.0 §3, RFC 8414 §2), served identically at both
 * well-known addresses; the fields are those of relying-parties.md §1.6 item 2. The token-exchange
 * grant is listed only when it is on; `registration_endpoint` not to Funnel callers, whom the
 * endpoint refuses; `client_id_metadata_document_supported` only when such client ids are on.
 */
export function openIdConfiguration(
  config: Pick<MeshidConfig, 'issuer' | 'tokenExchange' | 'clientIdMetadataDocuments'>,
  audience: { viaFunnel: boolean },
): Record<string, unknown> {
  const issuer = config.issuer;
  return {
    issuer,
    authorization_endpoint: issuer + ENDPOINT_PATHS.authorization,
    token_endpoint: issuer + ENDPOINT_PATHS.token,
    userinfo_endpoint: issuer + ENDPOINT_PATHS.userinfo,
    jwks_uri: issuer + ENDPOINT_PATHS.jwks,
    introspection_endpoint: issuer + ENDPOINT_PATHS.introspection,
    revocation_endpoint: issuer + ENDPOINT_PATHS.revocation,
    end_session_endpoint: issuer + ENDPOINT_PATHS.endSession,
    ...(audience.viaFunnel ? {} : { registration_endpoint: issuer + ENDPOINT_PATHS.registration }),
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: supportedGrantTypes(config),
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...ID_TOKEN_ALGS],
    scopes_supported: [...KNOWN_SCOPES],
    claims_supported: CLAIMS_SUPPORTED,
    token_endpoint_auth_methods_supported: [...AUTH_METHODS],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    revocation_endpoint_auth_methods_supported: [...AUTH_METHODS],
    code_challenge_methods_supported: ['S256'],
    prompt_values_supported: [...PROMPT_VALUES],
    authorization_response_iss_parameter_supported: true,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    claims_parameter_supported: false,
    ...(config.clientIdMetadataDocuments ? { client_id_metadata_document_supported: true } : {}),
  };
}
