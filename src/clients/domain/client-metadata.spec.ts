import { describe, expect, it } from '@jest/globals';
import { allowedScopes, type ClientMetadataInput, DEFAULT_REFRESH_TOKEN_TTL_SECONDS, validateClientMetadata } from './client-metadata.js';
import { isLoopbackHost } from './redirect-uri.js';

const base: ClientMetadataInput = { client_name: 'Grafana', redirect_uris: ['https://grafana.example.com/login/generic_oauth'] };
const fieldsOf = (input: ClientMetadataInput) => {
  const result = validateClientMetadata({ ...base, ...input });
  return result.ok ? [] : result.errors.map((e) => e.field);
};

describe('validateClientMetadata', () => {
  it('fills in the interop defaults (RS256, basic auth, code + refresh, PKCE optional)', () => {
    const result = validateClientMetadata(base);
    expect(result).toEqual({
      ok: true,
      metadata: {
        client_name: 'Grafana',
        redirect_uris: ['https://grafana.example.com/login/generic_oauth'],
        post_logout_redirect_uris: [],
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'RS256',
        scope: 'openid profile email groups offline_access',
        require_pkce: false,
        allow_insecure_http_redirects: false,
        refresh_token_rotation: true,
        refresh_token_ttl_seconds: DEFAULT_REFRESH_TOKEN_TTL_SECONDS,
      },
    });
  });

  it('forces PKCE on public clients and refuses to turn it off', () => {
    const result = validateClientMetadata({ ...base, token_endpoint_auth_method: 'none' });
    expect(result.ok && result.metadata.require_pkce).toBe(true);
    expect(fieldsOf({ token_endpoint_auth_method: 'none', require_pkce: false })).toEqual(['require_pkce']);
  });

  it('keeps refresh-token replay detection on for public clients (OAuth 2.1 §4.3.1)', () => {
    expect(fieldsOf({ token_endpoint_auth_method: 'none', refresh_token_rotation: false })).toEqual(['refresh_token_rotation']);
    expect(fieldsOf({ token_endpoint_auth_method: 'client_secret_basic', refresh_token_rotation: false })).toEqual([]);
  });

  it('lets only confidential clients use the grants a client uses for itself', () => {
    const grants = ['client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange'];
    expect(fieldsOf({ token_endpoint_auth_method: 'client_secret_post', grant_types: grants })).toEqual([]);
    expect(fieldsOf({ token_endpoint_auth_method: 'none', grant_types: grants })).toEqual(['grant_types', 'grant_types']);
  });

  // Each rule with a value it accepts and one it refuses, and the field the refusal names.
  const table: Array<[rule: string, good: ClientMetadataInput, bad: ClientMetadataInput, field: string]> = [
    ['client_name required', { client_name: 'X' }, { client_name: '  ' }, 'client_name'],
    ['client_name a string', { client_name: 'Y' }, { client_name: 42 }, 'client_name'],
    ['client_name no control characters', { client_name: 'Tab less' }, { client_name: 'a\u0007b' }, 'client_name'],
    ['unknown fields refused', {}, { jwks_uri: 'https://x' } as ClientMetadataInput, 'jwks_uri'],
    ['redirect_uris an array of strings', { redirect_uris: ['https://a/cb'] }, { redirect_uris: 'https://a/cb' }, 'redirect_uris'],
    ['redirect_uris needed for the code grant', { redirect_uris: [], grant_types: ['client_credentials'] }, { redirect_uris: [] }, 'redirect_uris'],
    ['redirect URI absolute', { redirect_uris: ['https://a.example/cb'] }, { redirect_uris: ['/cb'] }, 'redirect_uris[0]'],
    ['redirect URI without fragment', { redirect_uris: ['https://a.example/cb?x=1'] }, { redirect_uris: ['https://a.example/cb#x'] }, 'redirect_uris[0]'],
    ['javascript: refused', { redirect_uris: ['https://a/cb'] }, { redirect_uris: ['javascript:alert(1)'] }, 'redirect_uris[0]'],
    ['JavaScript: refused in any case', { redirect_uris: ['https://a/cb'] }, { redirect_uris: ['JavaScript:alert(1)'] }, 'redirect_uris[0]'],
    ['data: refused', { redirect_uris: ['https://a/cb'] }, { redirect_uris: ['data:text/html,hi'] }, 'redirect_uris[0]'],
    ['vbscript: refused', { redirect_uris: ['https://a/cb'] }, { redirect_uris: ['vbscript:msgbox'] }, 'redirect_uris[0]'],
    ['file: refused', { redirect_uris: ['https://a/cb'] }, { redirect_uris: ['file:///etc/passwd'] }, 'redirect_uris[0]'],
    ['no credentials in the URI', { redirect_uris: ['https://a/cb'] }, { redirect_uris: ['https://u:p@a/cb'] }, 'redirect_uris[0]'],
    ['no spaces', { redirect_uris: ['https://a/cb'] }, { redirect_uris: ['https://a/c b'] }, 'redirect_uris[0]'],
    ['http to loopback 127/8', { redirect_uris: ['http://127.0.0.1:9000/cb'] }, { redirect_uris: ['http://128.0.0.1/cb'] }, 'redirect_uris[0]'],
    ['http to [::1] and localhost', { redirect_uris: ['http://[::1]:8/cb', 'http://localhost/cb'] }, { redirect_uris: ['http://localhost.evil.com/cb'] }, 'redirect_uris[0]'],
    ['http elsewhere only with the flag', { redirect_uris: ['http://grafana.lan/cb'], allow_insecure_http_redirects: true }, { redirect_uris: ['http://grafana.lan/cb'] }, 'redirect_uris[0]'],
    ['native private-use scheme (RFC 8252)', { redirect_uris: ['com.example.app:/oauth2redirect'] }, { redirect_uris: ['com.example.app:/cb#f'] }, 'redirect_uris[0]'],
    ['no duplicate redirect URIs', { redirect_uris: ['https://a/1', 'https://a/2'] }, { redirect_uris: ['https://a/1', 'https://a/1'] }, 'redirect_uris[1]'],
    ['post-logout URIs follow the same rules', { post_logout_redirect_uris: ['https://a/'] }, { post_logout_redirect_uris: ['javascript:x'] }, 'post_logout_redirect_uris[0]'],
    ['grant_types known', { grant_types: ['authorization_code'] }, { grant_types: ['implicit'] }, 'grant_types[0]'],
    ['grant_types not empty', { grant_types: ['refresh_token', 'authorization_code'] }, { grant_types: [] }, 'grant_types'],
    ['client_credentials needs a confidential client', { grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post' }, { grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' }, 'grant_types'],
    ['auth method known', { token_endpoint_auth_method: 'client_secret_post' }, { token_endpoint_auth_method: 'private_key_jwt' }, 'token_endpoint_auth_method'],
    ['ID-token alg RS256/ES256/EdDSA', { id_token_signed_response_alg: 'EdDSA' }, { id_token_signed_response_alg: 'HS256' }, 'id_token_signed_response_alg'],
    ['scope tokens valid', { scope: 'openid  groups' }, { scope: 'openid "quoted"' }, 'scope'],
    ['scope a string', { scope: 'openid' }, { scope: ['openid'] }, 'scope'],
    ['require_pkce boolean', { require_pkce: true }, { require_pkce: 'yes' }, 'require_pkce'],
    ['allow_insecure_http_redirects boolean', { allow_insecure_http_redirects: false }, { allow_insecure_http_redirects: 1 }, 'allow_insecure_http_redirects'],
    ['refresh_token_rotation boolean', { refresh_token_rotation: false }, { refresh_token_rotation: 'no' }, 'refresh_token_rotation'],
    ['refresh TTL in range', { refresh_token_ttl_seconds: 3600 }, { refresh_token_ttl_seconds: 10 }, 'refresh_token_ttl_seconds'],
    ['refresh TTL an integer', { refresh_token_ttl_seconds: 86400 }, { refresh_token_ttl_seconds: 1.5 }, 'refresh_token_ttl_seconds'],
    ['client_uri https', { client_uri: 'https://grafana.example.com/' }, { client_uri: 'http://grafana.example.com/' }, 'client_uri'],
    ['logo_uri http to loopback only', { logo_uri: 'http://127.0.0.1:3000/logo.png' }, { logo_uri: 'ftp://example.com/logo.png' }, 'logo_uri'],
    ['tos_uri absolute', { tos_uri: 'https://example.com/tos' }, { tos_uri: '/tos' }, 'tos_uri'],
    ['policy_uri without fragment', { policy_uri: 'https://example.com/policy' }, { policy_uri: 'https://example.com/policy#top' }, 'policy_uri'],
    ['descriptive URL without credentials', { client_uri: 'https://example.com' }, { client_uri: 'https://u:p@example.com' }, 'client_uri'],
    ['descriptive URL at most 2000 characters', { client_uri: `https://e.com/${'a'.repeat(1900)}` }, { client_uri: `https://e.com/${'a'.repeat(2000)}` }, 'client_uri'],
    ['descriptive URL a string', { logo_uri: 'https://e.com/l.png' }, { logo_uri: { href: 'https://e.com' } }, 'logo_uri'],
    ['javascript: never a descriptive URL', { client_uri: 'https://e.com' }, { client_uri: 'javascript:alert(1)' }, 'client_uri'],
    ['contacts an array', { contacts: ['ops@example.com'] }, { contacts: 'ops@example.com' }, 'contacts'],
    ['at most 10 contacts', { contacts: Array.from({ length: 10 }, (_, i) => `c${i}@e.com`) }, { contacts: Array.from({ length: 11 }, (_, i) => `c${i}@e.com`) }, 'contacts'],
    ['contacts strings', { contacts: ['a@e.com'] }, { contacts: ['a@e.com', 7] }, 'contacts[1]'],
    ['contacts at most 320 characters', { contacts: ['a'.repeat(320)] }, { contacts: ['a'.repeat(321)] }, 'contacts[0]'],
    ['contacts without control characters', { contacts: ['a@e.com'] }, { contacts: ['a@e.com\nBcc: x'] }, 'contacts[0]'],
    ['software_id at most 200 characters', { software_id: 'x'.repeat(200) }, { software_id: 'x'.repeat(201) }, 'software_id'],
    ['software_version a string', { software_version: '1.2.3' }, { software_version: 123 }, 'software_version'],
    ['software_version without control characters', { software_version: '1.2.3' }, { software_version: '1.2\u0000' }, 'software_version'],
    ['application_type web or native', { application_type: 'native' }, { application_type: 'desktop' }, 'application_type'],
  ];

  it.each(table)('%s', (_rule, good, bad, field) => {
    expect(fieldsOf(good)).toEqual([]);
    expect(fieldsOf(bad)).toContain(field);
  });

  it('names the offending value in the message, and reports every problem at once', () => {
    const result = validateClientMetadata({ client_name: '', redirect_uris: ['javascript:alert(1)'], id_token_signed_response_alg: 'HS256' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.field).sort()).toEqual(['client_name', 'id_token_signed_response_alg', 'redirect_uris[0]']);
    expect(result.errors.find((e) => e.field === 'redirect_uris[0]')!.message).toContain('"javascript:alert(1)"');
  });

  it('keeps the descriptive fields given, and adds none that were not', () => {
    const given = {
      client_uri: 'https://grafana.example.com',
      logo_uri: 'https://grafana.example.com/logo.svg',
      tos_uri: 'https://grafana.example.com/tos',
      policy_uri: 'https://grafana.example.com/privacy',
      contacts: ['ops@example.com'],
      software_id: 'grafana',
      software_version: '12.0.1',
      application_type: 'web',
    };
    const result = validateClientMetadata({ ...base, ...given });
    expect(result.ok && result.metadata).toMatchObject(given);
    const plain = validateClientMetadata(base);
    expect(plain.ok && Object.keys(plain.metadata)).not.toEqual(expect.arrayContaining(['client_uri']));
    expect(plain.ok && 'contacts' in plain.metadata).toBe(false);
  });

  it('names a huge offending value without echoing all of it', () => {
    const result = validateClientMetadata({ ...base, software_id: 'y'.repeat(100_000) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]!.message.length).toBeLessThan(500);
    expect(result.errors[0]!.message).toContain('100002 characters');
  });

  it('normalises the scope list', () => {
    const result = validateClientMetadata({ ...base, scope: ' openid groups openid ' });
    expect(result.ok && allowedScopes(result.metadata)).toEqual(['openid', 'groups']);
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['[::1]', true],
    ['localhost', true],
    ['127.0.0.256', false],
    ['127.0.0', false],
    ['10.0.0.1', false],
    ['[::2]', false],
    ['localhost.example.com', false],
  ])('%s → %s', (host, loopback) => expect(isLoopbackHost(host)).toBe(loopback));
});
