import { type ClientMetadata, DESCRIPTIVE_FIELDS, isConfidential } from '../../clients/domain/client-metadata.js';

export interface RegistrationResponseInput {
  clientId: string;
  metadata: ClientMetadata;
  /** When the client was registered (its first event). */
  registeredAt: Date;
  /** Where the client manages its registration (RFC 7592): `<issuer>/register/<client_id>`. */
  registrationClientUri: string;
  /** Only in the registration response: the plaintext secret is never stored. */
  clientSecret?: string;
  /** The token the client manages its registration with (RFC 7592 §3: in every response). */
  registrationAccessToken: string;
}

/**
 * The client information response (RFC 7591 §3.2.1, RFC 7592 §3): the credentials given this
 * once, then the registered metadata under its RFC names. meshid's own policy fields
 * (require_pkce and the others an administrator sets) are not registration metadata and stay out.
 */
export function registrationResponse(input: RegistrationResponseInput): Record<string, unknown> {
  const { metadata } = input;
  const descriptive = Object.fromEntries(DESCRIPTIVE_FIELDS.filter((field) => metadata[field] !== undefined).map((field) => [field, metadata[field]]));
  return {
    client_id: input.clientId,
    ...(input.clientSecret === undefined ? {} : { client_secret: input.clientSecret }),
    client_id_issued_at: Math.floor(input.registeredAt.getTime() / 1000),
    // meshid's secrets do not expire (they are rotated by an administrator); 0 says so (RFC 7591 §3.2.1).
    ...(input.clientSecret !== undefined && isConfidential(metadata.token_endpoint_auth_method) ? { client_secret_expires_at: 0 } : {}),
    registration_access_token: input.registrationAccessToken,
    registration_client_uri: input.registrationClientUri,
    client_name: metadata.client_name,
    redirect_uris: metadata.redirect_uris,
    post_logout_redirect_uris: metadata.post_logout_redirect_uris,
    grant_types: metadata.grant_types,
    // The code flow is the only one meshid has: a client with the authorization_code grant uses `code`.
    response_types: metadata.grant_types.includes('authorization_code') ? ['code'] : [],
    token_endpoint_auth_method: metadata.token_endpoint_auth_method,
    id_token_signed_response_alg: metadata.id_token_signed_response_alg,
    scope: metadata.scope,
    ...descriptive,
  };
}
