import { describe, expect, it } from '@jest/globals';
import { DEFAULT_SCOPE } from '../domain/client-metadata.js';
import { clientFromMetadataDocument } from './metadata-document-client.js';

const URL_ID = 'https://app.example.com/oauth/client.json';
const FETCHED_AT = new Date('2026-01-02T03:04:05.000Z');
const base = { client_id: URL_ID, client_name: 'Example MCP client', redirect_uris: ['http://127.0.0.1:33418/callback'] };
const reasonFor = (document: unknown) => {
  const result = clientFromMetadataDocument(URL_ID, document, FETCHED_AT);
  return result.ok ? null : result.reason;
};

describe('clientFromMetadataDocument', () => {
  it('makes a frozen public client that must use PKCE, dated at the fetch', () => {
    const result = clientFromMetadataDocument(URL_ID, base, FETCHED_AT);
    expect(result).toEqual({
      ok: true,
      client: {
        clientId: URL_ID,
        confidential: false,
        revision: 0n,
        createdAt: '2026-01-02T03:04:05.000Z',
        updatedAt: '2026-01-02T03:04:05.000Z',
        metadata: expect.objectContaining({
          client_name: 'Example MCP client',
          redirect_uris: ['http://127.0.0.1:33418/callback'],
          post_logout_redirect_uris: [],
          grant_types: ['authorization_code', 'refresh_token'],
          token_endpoint_auth_method: 'none',
          id_token_signed_response_alg: 'RS256',
          scope: DEFAULT_SCOPE,
          require_pkce: true,
          allow_insecure_http_redirects: false,
          refresh_token_rotation: true,
        }),
      },
    });
    if (!result.ok) return;
    expect(Object.isFrozen(result.client)).toBe(true);
    expect(Object.isFrozen(result.client.metadata)).toBe(true);
    expect(Object.isFrozen(result.client.metadata.redirect_uris)).toBe(true);
  });

  it('maps the fields meshid uses and ignores the others', () => {
    const result = clientFromMetadataDocument(URL_ID, {
      ...base,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      post_logout_redirect_uris: ['https://app.example.com/bye'],
      scope: 'openid email',
      id_token_signed_response_alg: 'ES256',
      logo_uri: 'https://app.example.com/logo.png',
      client_uri: 'https://app.example.com/',
      jwks: { keys: [] },
      response_types: ['code'],
      software_id: 'x',
      require_pkce: false,
      allow_insecure_http_redirects: true,
    }, FETCHED_AT);
    expect(result.ok && result.client.metadata).toMatchObject({
      grant_types: ['authorization_code'],
      post_logout_redirect_uris: ['https://app.example.com/bye'],
      scope: 'openid email',
      id_token_signed_response_alg: 'ES256',
      require_pkce: true,
      allow_insecure_http_redirects: false,
    });
  });

  it("names a client without client_name after the URL's host", () => {
    const { client_name: _, ...unnamed } = base;
    const result = clientFromMetadataDocument('https://app.example.com:8443/c', { ...unnamed, client_id: 'https://app.example.com:8443/c' }, FETCHED_AT);
    expect(result.ok && result.client.metadata.client_name).toBe('app.example.com:8443');
  });

  it.each([
    ['not an object', 'x', 'must be a JSON object'],
    ['null', null, 'must be a JSON object'],
    ['an array', [base], 'must be a JSON object'],
    ['no client_id', { ...base, client_id: undefined }, 'client_id is missing'],
    ['another client_id', { ...base, client_id: 'https://app.example.com/other.json' }, 'client_id "https://app.example.com/other.json" is not the URL'],
    ['a client_id differing in case', { ...base, client_id: URL_ID.toUpperCase() }, 'client_id'],
    ['a client_id with a trailing slash', { ...base, client_id: URL_ID + '/' }, 'client_id'],
    ['a client_secret', { ...base, client_secret: 's3cret' }, 'client_secret must not be present'],
    ['a client_secret_expires_at', { ...base, client_secret_expires_at: 0 }, 'client_secret_expires_at must not be present'],
    ['private_key_jwt', { ...base, token_endpoint_auth_method: 'private_key_jwt' }, 'token_endpoint_auth_method private_key_jwt is not supported by meshid'],
    ['client_secret_basic', { ...base, token_endpoint_auth_method: 'client_secret_basic' }, 'token_endpoint_auth_method "client_secret_basic" is not allowed'],
    ['client_secret_jwt', { ...base, token_endpoint_auth_method: 'client_secret_jwt' }, 'token_endpoint_auth_method'],
    ['client_credentials', { ...base, grant_types: ['authorization_code', 'client_credentials'] }, 'grant_types[1]: "client_credentials" is not allowed'],
    ['token exchange', { ...base, grant_types: ['urn:ietf:params:oauth:grant-type:token-exchange'] }, 'grant_types[0]'],
    ['implicit', { ...base, grant_types: ['implicit'] }, 'grant_types[0]'],
    ['grant_types not a list', { ...base, grant_types: 'authorization_code' }, 'grant_types: must be an array of strings'],
    ['no redirect_uris', { ...base, redirect_uris: undefined }, 'redirect_uris: must hold at least one URI'],
    ['a bad redirect URI', { ...base, redirect_uris: ['http://app.example.com/cb'] }, 'redirect_uris[0]'],
    ['a redirect URI with a fragment', { ...base, redirect_uris: ['https://app.example.com/cb#x'] }, 'redirect_uris[0]'],
    ['a bad post-logout URI', { ...base, post_logout_redirect_uris: ['javascript:alert(1)'] }, 'post_logout_redirect_uris[0]'],
    ['an empty client_name', { ...base, client_name: '' }, 'client_name'],
    ['a numeric client_name', { ...base, client_name: 7 }, 'client_name'],
    ['a bad scope', { ...base, scope: 'openid "x"' }, 'scope'],
    ['an unknown signing alg', { ...base, id_token_signed_response_alg: 'none' }, 'id_token_signed_response_alg'],
  ])('refuses %s', (_case, document, reason) => {
    const result = reasonFor(document);
    expect(result).toContain('invalid client metadata document: ');
    expect(result).toContain(reason);
  });

  it('reports every field problem at once', () => {
    expect(reasonFor({ ...base, client_name: '', scope: 5 })).toBe('invalid client metadata document: client_name: is required (a non-empty string); scope: must be a space-separated string of scopes');
  });
});
