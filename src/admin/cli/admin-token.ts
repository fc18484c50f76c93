import { AdminApiError } from '../api/admin-api.js';
import { codeForStatus, type Fetch, readJson, send } from './http-transport.js';

/** The scope an access token needs for the admin API. */
export const ADMIN_SCOPE = 'meshid:admin';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** RFC 6749 §2.3.1: each half is form-urlencoded before they are joined and base64-encoded. */
export function basicAuthorization({ clientId, clientSecret }: ClientCredentials): string {
  const form = (value: string) => new URLSearchParams([['', value]]).toString().slice(1);
  return `Basic ${Buffer.from(`${form(clientId)}:${form(clientSecret)}`, 'utf8').toString('base64')}`;
}

/** `<base>/<path>`, keeping a base path (meshid behind a reverse proxy under a prefix). */
export function joinUrl(base: URL, path: string): URL {
  const url = new URL(base.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  return url;
}

/**
 * Gets an admin access token with the client_credentials grant: the token endpoint is read from
 * the instance's discovery document, the client authenticates with HTTP Basic. A refusal is
 * `unauthorized` (bad credentials) or `forbidden` (the client may not have meshid:admin).
 */
export async function requestAdminToken(base: URL, credentials: ClientCredentials, fetchImpl: Fetch = fetch): Promise<string> {
  const tokenEndpoint = await discoverTokenEndpoint(base, fetchImpl);
  const response = await send(
    fetchImpl,
    tokenEndpoint,
    {
      method: 'POST',
      headers: {
        accept: 'application/json',
        authorization: basicAuthorization(credentials),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: ADMIN_SCOPE }).toString(),
    },
    tokenEndpoint.href,
  );
  const body = await readJson(response, tokenEndpoint.href);
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (!response.ok) {
    const error = typeof fields['error'] === 'string' ? fields['error'] : '';
    const reason = typeof fields['error_description'] === 'string' && fields['error_description'] ? fields['error_description'] : error || `HTTP ${response.status}`;
    throw new AdminApiError(tokenErrorCode(error, response.status), `the token endpoint refused the admin client: ${reason}`);
  }
  const token = fields['access_token'];
  if (typeof token !== 'string' || token === '') throw new AdminApiError('server_error', `${tokenEndpoint.href} answered without an access_token`);
  return token;
}

function tokenErrorCode(error: string, status: number) {
  if (error === 'invalid_client') return 'unauthorized' as const;
  // The client exists but may not use this grant or this scope: authenticated, not authorized.
  if (error === 'invalid_scope' || error === 'unauthorized_client' || error === 'unsupported_grant_type') return 'forbidden' as const;
  return codeForStatus(status);
}

async function discoverTokenEndpoint(base: URL, fetchImpl: Fetch): Promise<URL> {
  const discovery = joinUrl(base, '/.well-known/openid-configuration');
  const response = await send(fetchImpl, discovery, { headers: { accept: 'application/json' } }, discovery.href);
  if (!response.ok) {
    await response.body?.cancel();
    // A 4xx here means --url is not a meshid base URL (a usage error); a 5xx, a failing server.
    const code = response.status >= 500 ? codeForStatus(response.status) : 'invalid_request';
    throw new AdminApiError(code, `cannot read ${discovery.href}: HTTP ${response.status} (is --url the meshid base URL?)`);
  }
  const body = (await readJson(response, discovery.href)) as { token_endpoint?: unknown } | null;
  const endpoint = body?.token_endpoint;
  if (typeof endpoint !== 'string' || !URL.canParse(endpoint) || !/^https?:$/.test(new URL(endpoint).protocol)) {
    throw new AdminApiError('server_error', `${discovery.href} names no http(s) token_endpoint`);
  }
  return new URL(endpoint);
}
