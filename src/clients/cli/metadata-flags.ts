import { type Command, InvalidArgumentError } from 'commander';
import type { ClientMetadataInput } from '../domain/client-metadata.js';

/** The metadata flags of `clients create` and `clients update`; each one left out is left alone. */
export interface MetadataFlags {
  name?: string;
  redirectUri?: string[];
  postLogoutRedirectUri?: string[];
  authMethod?: string;
  grantTypes?: string[];
  idTokenAlg?: string;
  scope?: string;
  requirePkce?: boolean;
  allowInsecureHttp?: boolean;
  refreshTokenRotation?: boolean;
  refreshTokenTtl?: number;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];
const list = (value: string) => value.split(',').map((item) => item.trim()).filter(Boolean);
const seconds = (value: string): number => {
  if (!/^[0-9]{1,10}$/.test(value)) throw new InvalidArgumentError('expected a number of seconds');
  return Number(value);
};

export function withMetadataFlags(command: Command): Command {
  return command
    .option('--name <name>', 'client_name: shown to people and in the admin UI')
    .option('--redirect-uri <uri>', 'redirect_uris: repeat for several (update replaces the list)', collect)
    .option('--post-logout-redirect-uri <uri>', 'post_logout_redirect_uris: repeat for several', collect)
    .option('--auth-method <method>', 'token_endpoint_auth_method: client_secret_basic (default), client_secret_post or none')
    .option('--grant-types <a,b>', 'grant_types: authorization_code, refresh_token, client_credentials', list)
    .option('--id-token-alg <alg>', 'id_token_signed_response_alg: RS256 (default), ES256 or EdDSA')
    .option('--scope <scopes>', 'scope: the scopes it may be granted, space- or comma-separated')
    .option('--require-pkce', 'require_pkce: PKCE required (always, for public clients)')
    .option('--no-require-pkce', 'require_pkce: PKCE optional (the default for confidential clients)')
    .option('--allow-insecure-http', 'allow_insecure_http_redirects: plain http to non-loopback hosts')
    .option('--no-allow-insecure-http', 'allow_insecure_http_redirects: off (the default)')
    .option('--refresh-token-rotation', 'refresh_token_rotation: one-time refresh tokens (the default)')
    .option('--no-refresh-token-rotation', 'refresh_token_rotation: off')
    .option('--refresh-token-ttl <seconds>', 'refresh_token_ttl_seconds (default 30 days)', seconds);
}

export function metadataFromFlags(flags: MetadataFlags): ClientMetadataInput {
  const input: ClientMetadataInput = {};
  if (flags.name !== undefined) input.client_name = flags.name;
  if (flags.redirectUri !== undefined) input.redirect_uris = flags.redirectUri;
  if (flags.postLogoutRedirectUri !== undefined) input.post_logout_redirect_uris = flags.postLogoutRedirectUri;
  if (flags.authMethod !== undefined) input.token_endpoint_auth_method = flags.authMethod;
  if (flags.grantTypes !== undefined) input.grant_types = flags.grantTypes;
  if (flags.idTokenAlg !== undefined) input.id_token_signed_response_alg = flags.idTokenAlg;
  if (flags.scope !== undefined) input.scope = flags.scope.replaceAll(',', ' ');
  if (flags.requirePkce !== undefined) input.require_pkce = flags.requirePkce;
  if (flags.allowInsecureHttp !== undefined) input.allow_insecure_http_redirects = flags.allowInsecureHttp;
  if (flags.refreshTokenRotation !== undefined) input.refresh_token_rotation = flags.refreshTokenRotation;
  if (flags.refreshTokenTtl !== undefined) input.refresh_token_ttl_seconds = flags.refreshTokenTtl;
  return input;
}
