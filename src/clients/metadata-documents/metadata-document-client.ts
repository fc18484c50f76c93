import { type ClientMetadataInput, validateClientMetadata } from '../domain/client-metadata.js';
import type { RegisteredClient } from '../read-model/client-directory.js';

/** Grants a metadata-document client may use: it is public, so nothing that needs a secret. */
const ALLOWED_GRANTS = ['authorization_code', 'refresh_token'];

/**
 * The document fields meshid takes over. The rest (logo_uri, client_uri, jwks, contacts,
 * response_types, software_id...) is ignored: meshid has no use for it, and the document is the
 * client's own, so it may carry whatever other servers need.
 */
const MAPPED_FIELDS = ['client_name', 'redirect_uris', 'post_logout_redirect_uris', 'grant_types', 'scope', 'id_token_signed_response_alg'] as const;

export type MetadataDocumentClient = { ok: true; client: RegisteredClient } | { ok: false; reason: string };

/**
 * Turns the metadata document fetched from `url` into a client, or says which field is wrong.
 * The client is public (token_endpoint_auth_method none, so PKCE is required and refresh tokens
 * rotate), has revision 0 (it has no event stream) and is dated `fetchedAt`.
 */
export function clientFromMetadataDocument(url: string, document: unknown, fetchedAt: Date = new Date()): MetadataDocumentClient {
  const refuse = (reason: string): MetadataDocumentClient => ({ ok: false, reason: `invalid client metadata document: ${reason}` });
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return refuse('it must be a JSON object');
  const fields = document as Record<string, unknown>;
  const has = (field: string) => Object.hasOwn(fields, field);

  // §4.1: the document names itself, so a document copied to another URL is not that client.
  if (fields.client_id === undefined) return refuse('client_id is missing');
  if (fields.client_id !== url) return refuse(`client_id ${JSON.stringify(fields.client_id)} is not the URL it was fetched from (${url})`);
  // Anyone can read the document, so a secret in it is no secret.
  for (const field of ['client_secret', 'client_secret_expires_at']) {
    if (has(field)) return refuse(`${field} must not be present (a metadata-document client has no shared secret)`);
  }
  const method = fields.token_endpoint_auth_method;
  if (method === 'private_key_jwt') return refuse('token_endpoint_auth_method private_key_jwt is not supported by meshid; use none');
  if (method !== undefined && method !== 'none') return refuse(`token_endpoint_auth_method ${JSON.stringify(method)} is not allowed; use none`);
  if (Array.isArray(fields.grant_types)) {
    const bad = fields.grant_types.findIndex((grant) => !ALLOWED_GRANTS.includes(grant as string));
    if (bad !== -1) return refuse(`grant_types[${bad}]: ${JSON.stringify(fields.grant_types[bad])} is not allowed (only ${ALLOWED_GRANTS.join(', ')})`);
  }

  const input: ClientMetadataInput = { token_endpoint_auth_method: 'none' };
  for (const field of MAPPED_FIELDS) if (has(field)) input[field] = fields[field];
  if (fields.client_name === undefined) input.client_name = new URL(url).host;

  const validation = validateClientMetadata(input);
  if (!validation.ok) return refuse(validation.errors.map((error) => `${error.field}: ${error.message}`).join('; '));
  const metadata = validation.metadata;
  for (const value of Object.values(metadata)) if (Array.isArray(value)) Object.freeze(value);
  const at = fetchedAt.toISOString();
  return {
    ok: true,
    client: Object.freeze({ clientId: url, metadata: Object.freeze(metadata), confidential: false, revision: 0n, createdAt: at, updatedAt: at }),
  };
}
