import { assertClientId } from '../clients/domain/client-id.js';
import { type ClientMetadataInput, type FieldError, validateClientMetadata } from '../clients/domain/client-metadata.js';
import { newClientSecret } from '../clients/domain/client-secret.js';
import { ClientError, InvalidClientMetadataError } from '../clients/domain/client.errors.js';
import { isLoopbackHost } from '../clients/domain/redirect-uri.js';
import { isJsonObject, showJson } from './tsidp-json.js';

/** A tsidp client ready for `CreateClientCommand`: its id, its secret (never printed) and metadata. */
export interface ImportableClient {
  clientId: string;
  clientSecret: string;
  metadata: ClientMetadataInput;
  /** What the mapping changed or left out, for the summary (never a secret). */
  notes: string[];
}

export interface ClientMappingOptions {
  /** Lets clients keep plain-http redirect URIs to non-loopback hosts (common on tailnets). */
  allowInsecureHttp: boolean;
}

const isHttpElsewhere = (uri: string) => {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && !isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
};

/** A field, or a problem with its type. */
function optional<T>(raw: Record<string, unknown>, field: string, is: (v: unknown) => v is T, what: string, problems: string[]): T | undefined {
  const value = raw[field];
  if (value === undefined || value === null) return undefined;
  if (is(value)) return value;
  problems.push(`${field} ${showJson(value)} is not ${what}`);
  return undefined;
}
const isString = (v: unknown): v is string => typeof v === 'string';
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

/**
 * One `FunnelClient` (tsidp `clients.go`) as a meshid client, validated by the very rules
 * `CreateClientCommand` applies. The mapping keeps what made the client work with tsidp:
 * - its id and secret; a client without a secret is refused (tsidp always required one at
 *   /token, so it never worked as a public client, and meshid will not silently make it one);
 * - `redirect_uris`, or the legacy single `redirect_uri` when that list is empty (tsidp's migration);
 * - `client_secret_post` if registered so, else `client_secret_basic` (meshid accepts either);
 * - meshid's default grant types and scopes: tsidp recorded `grant_types` and `scope` but enforced
 *   neither, so every tsidp client could use codes and refresh tokens for any scope it knew.
 * Problems are returned as `field message`, with the client named by the caller.
 */
export function mapTsidpClient(key: string, raw: unknown, options: ClientMappingOptions): ImportableClient | { problems: string[] } {
  if (!isJsonObject(raw)) return { problems: ['must be a JSON object'] };
  const problems: string[] = [];
  const notes: string[] = [];
  try {
    assertClientId(key);
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    problems.push(error.message);
  }
  if (raw['client_id'] !== key) problems.push(`client_id ${showJson(raw['client_id'])} is not its key in the map`);
  const secret = optional(raw, 'client_secret', isString, 'a string', problems);
  const name = optional(raw, 'client_name', isString, 'a string', problems);
  const uris = optional(raw, 'redirect_uris', isStringList, 'a list of strings', problems) ?? [];
  const legacyUri = optional(raw, 'redirect_uri', isString, 'a string', problems);
  const method = optional(raw, 'token_endpoint_auth_method', isString, 'a string', problems);
  optional(raw, 'grant_types', isStringList, 'a list of strings', problems);
  if (!secret) problems.push('client_secret is missing: tsidp clients are confidential, and meshid does not turn one into a public client');

  const migrated = uris.length === 0 && Boolean(legacyUri);
  const redirectUris = migrated ? [legacyUri!] : uris;
  if (migrated) notes.push('legacy redirect_uri migrated to redirect_uris');
  const authMethod = method === 'client_secret_post' ? 'client_secret_post' : 'client_secret_basic';
  if (method && method !== authMethod) notes.push(`token_endpoint_auth_method "${method}" recorded as ${authMethod} (tsidp always required the secret)`);
  const insecure = options.allowInsecureHttp && redirectUris.some(isHttpElsewhere);
  const metadata: ClientMetadataInput = {
    client_name: name?.trim() ? name : `tsidp client ${key}`,
    redirect_uris: redirectUris,
    token_endpoint_auth_method: authMethod,
    ...(insecure ? { allow_insecure_http_redirects: true } : {}),
  };
  const validation = validateClientMetadata(metadata);
  if (!validation.ok) problems.push(...validation.errors.map((error) => fieldProblem(error, migrated)));
  if (secret) {
    try {
      newClientSecret(authMethod, secret);
    } catch (error) {
      if (!(error instanceof InvalidClientMetadataError)) throw error;
      problems.push(...error.errors.map((e) => fieldProblem(e, migrated)));
    }
  }
  return problems.length > 0 ? { problems } : { clientId: key, clientSecret: secret!, metadata, notes };
}

/** A meshid field error, named as in the tsidp file (a migrated URI came from `redirect_uri`). */
function fieldProblem(error: FieldError, migrated: boolean): string {
  const field = migrated && error.field === 'redirect_uris[0]' ? 'redirect_uri' : error.field;
  return `${field} ${error.message}`;
}
