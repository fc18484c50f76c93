import { describe, expect, it } from '@jest/globals';
import { type AdminPolicy, MAX_REGISTERED_URIS, parseRegistrationRequest } from './registration-request.js';
import { registrationResponse } from './registration-response.js';

const CB = 'https://app.example.com/cb';
const fieldsOf = (body: unknown, policy?: AdminPolicy) => {
  const result = parseRegistrationRequest(body, policy);
  if (result.ok) return [];
  return result.error === 'invalid_request' ? ['<request>'] : result.errors.map((e) => e.field);
};

describe('parseRegistrationRequest', () => {
  it('fills in RFC 7591 defaults: code grant only, client_secret_basic, the name from the redirect URI host', () => {
    const result = parseRegistrationRequest({ redirect_uris: [CB] });
    expect(result.ok && result.metadata).toMatchObject({
      client_name: 'app.example.com',
      redirect_uris: [CB],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
      require_pkce: false,
      refresh_token_rotation: true,
    });
  });

  it('names a native app after its private-use scheme', () => {
    const result = parseRegistrationRequest({ redirect_uris: ['com.example.app:/cb'], token_endpoint_auth_method: 'none' });
    expect(result.ok && result.metadata).toMatchObject({ client_name: 'com.example.app', require_pkce: true });
  });

  it('ignores what it does not understand (RFC 7591 §2), jwks and software statements included', () => {
    const result = parseRegistrationRequest({ redirect_uris: [CB], jwks: { keys: [] }, jwks_uri: 'https://x/jwks', software_statement: 'e.y.z', foo: 1, client_id: 'chosen' });
    expect(result.ok).toBe(true);
    expect(result.ok && Object.keys(result.input).sort()).toEqual(['client_name', 'grant_types', 'redirect_uris']);
  });

  it('treats a JSON null as a field left out', () => {
    const result = parseRegistrationRequest({ redirect_uris: [CB], logo_uri: null, client_name: null, require_pkce: null });
    expect(result.ok && result.metadata.client_name).toBe('app.example.com');
    expect(result.ok && 'logo_uri' in result.metadata).toBe(false);
  });

  it('refuses meshid policy fields: only an administrator sets them', () => {
    expect(fieldsOf({ redirect_uris: [CB], require_pkce: false, allow_insecure_http_redirects: true, refresh_token_rotation: true, refresh_token_ttl_seconds: 60 })).toEqual([
      'require_pkce',
      'allow_insecure_http_redirects',
      'refresh_token_rotation',
      'refresh_token_ttl_seconds',
    ]);
  });

  it('takes response_types ["code"] only', () => {
    expect(fieldsOf({ redirect_uris: [CB], response_types: ['code'] })).toEqual([]);
    for (const bad of [['token'], ['code', 'id_token'], [], 'code', [['code']]]) expect(fieldsOf({ redirect_uris: [CB], response_types: bad })).toEqual(['response_types']);
  });

  it('keeps only the scopes meshid knows, and refuses a scope that names none', () => {
    const result = parseRegistrationRequest({ redirect_uris: [CB], scope: 'openid admin email  write:all' });
    expect(result.ok && result.metadata.scope).toBe('openid email');
    expect(fieldsOf({ redirect_uris: [CB], scope: 'admin write' })).toEqual(['scope']);
    expect(fieldsOf({ redirect_uris: [CB], scope: ['openid'] })).toEqual(['scope']);
  });

  it('validates the descriptive fields and the rest with the client rules, reporting every problem', () => {
    expect(fieldsOf({ redirect_uris: ['javascript:x', CB], logo_uri: 'http://evil.example/l.png', contacts: 'a@b', grant_types: ['implicit'], application_type: 'tv' }).sort()).toEqual([
      'application_type',
      'contacts',
      'grant_types[0]',
      'logo_uri',
      'redirect_uris[0]',
    ]);
  });

  it('refuses more than the allowed number of URIs once, without a flood of follow-up errors', () => {
    const uris = Array.from({ length: 10_000 }, (_, i) => `https://a.example/${i}`);
    expect(fieldsOf({ redirect_uris: uris })).toEqual(['redirect_uris']);
    expect(fieldsOf({ redirect_uris: uris.slice(0, MAX_REGISTERED_URIS) })).toEqual([]);
    expect(fieldsOf({ redirect_uris: [CB], post_logout_redirect_uris: uris })).toEqual(['post_logout_redirect_uris']);
  });

  it('needs a name when there is no redirect URI to take it from', () => {
    expect(fieldsOf({ grant_types: ['client_credentials'] })).toEqual(['client_name']);
    expect(fieldsOf({ grant_types: ['client_credentials'], client_name: 'Backup job' })).toEqual([]);
  });

  it('is not fooled by prototype keys', () => {
    const body = JSON.parse('{"redirect_uris":["https://app.example.com/cb"],"__proto__":{"require_pkce":false},"constructor":{"prototype":{"x":1}}}') as unknown;
    const result = parseRegistrationRequest(body);
    expect(result.ok && result.metadata.require_pkce).toBe(false);
    expect(result.ok && Object.keys(result.input)).not.toContain('__proto__');
    expect(({} as Record<string, unknown>)['require_pkce']).toBeUndefined();
  });

  it('answers invalid_request for a body that is not an object', () => {
    for (const body of [null, undefined, [], [{ redirect_uris: [CB] }], 'x', 42, true]) expect(fieldsOf(body)).toEqual(['<request>']);
  });

  it('keeps the administrator-set policy on a replacement', () => {
    const policy: AdminPolicy = { require_pkce: true, allow_insecure_http_redirects: true, refresh_token_rotation: false, refresh_token_ttl_seconds: 3600 };
    const result = parseRegistrationRequest({ redirect_uris: ['http://wiki.lan/cb'] }, policy);
    expect(result.ok && result.metadata).toMatchObject(policy);
    expect(fieldsOf({ redirect_uris: ['http://wiki.lan/cb'] })).toEqual(['redirect_uris[0]']);
  });
});

describe('registrationResponse', () => {
  const parsed = parseRegistrationRequest({ redirect_uris: [CB], logo_uri: 'https://app.example.com/l.png', token_endpoint_auth_method: 'client_secret_post' });
  if (!parsed.ok) throw new Error('fixture is invalid');
  const base = { clientId: 'c1', metadata: parsed.metadata, registeredAt: new Date(1_700_000_000_999), registrationClientUri: 'https://id.example/register/c1', registrationAccessToken: 'rat' };

  it('shows the credentials given once, the RFC fields, and none of meshid policy fields', () => {
    const body = registrationResponse({ ...base, clientSecret: 's' });
    expect(body).toEqual({
      client_id: 'c1',
      client_secret: 's',
      client_id_issued_at: 1_700_000_000,
      client_secret_expires_at: 0,
      registration_access_token: 'rat',
      registration_client_uri: 'https://id.example/register/c1',
      client_name: 'app.example.com',
      redirect_uris: [CB],
      post_logout_redirect_uris: [],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      id_token_signed_response_alg: 'RS256',
      scope: 'openid profile email groups offline_access',
      logo_uri: 'https://app.example.com/l.png',
    });
  });

  it('leaves out the secret, which is not stored, when reading a registration', () => {
    const body = registrationResponse(base);
    for (const key of ['client_secret', 'client_secret_expires_at', 'require_pkce']) expect(body).not.toHaveProperty(key);
    expect(body).toHaveProperty('registration_access_token', base.registrationAccessToken);
  });
});
