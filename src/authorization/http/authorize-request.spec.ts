import { describe, expect, it } from '@jest/globals';
import { validateClientMetadata, type ClientMetadataInput } from '../../clients/domain/client-metadata.js';
import type { RegisteredClient } from '../../clients/read-model/client-directory.js';
import { type AuthorizeValidation, validateAuthorizeRequest } from './authorize-request.js';
import { formBody, readParameters, withQuery } from './request-parameters.js';

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const REDIRECT = 'https://app.example/callback';

function client(clientId: string, input: ClientMetadataInput): RegisteredClient {
  const result = validateClientMetadata({ client_name: clientId, redirect_uris: [REDIRECT], ...input });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return { clientId, metadata: result.metadata, confidential: result.metadata.token_endpoint_auth_method !== 'none', revision: 0n, createdAt: '', updatedAt: '' };
}

const CLIENTS = new Map([
  ['conf', client('conf', { scope: 'openid profile email' })],
  ['pub', client('pub', { token_endpoint_auth_method: 'none' })],
  ['strict', client('strict', { require_pkce: true })],
  ['machine', client('machine', { grant_types: ['client_credentials'], redirect_uris: [REDIRECT] })],
]);

function validate(params: Record<string, string | string[]>): AuthorizeValidation {
  return validateAuthorizeRequest(readParameters(params), (id) => CLIENTS.get(id));
}

const base = { client_id: 'conf', redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's1' };

function redirected(result: AuthorizeValidation) {
  if (result.kind !== 'redirect') throw new Error(`expected a redirect, got ${JSON.stringify(result)}`);
  return result;
}

describe('validateAuthorizeRequest', () => {
  it('shows a page, in tsidp order, while the client or redirect URI cannot be trusted', () => {
    expect(validate({})).toMatchObject({ kind: 'page', error: 'invalid_request', description: 'must specify redirect_uri' });
    expect(validate({ client_id: 'conf' })).toMatchObject({ kind: 'page', description: 'must specify redirect_uri' });
    expect(validate({ redirect_uri: REDIRECT })).toMatchObject({ kind: 'page', description: 'must specify client_id' });
    expect(validate({ ...base, client_id: 'nope' })).toMatchObject({ kind: 'page', error: 'invalid_client' });
    expect(validate({ ...base, redirect_uri: `${REDIRECT}/` })).toMatchObject({ kind: 'page', description: 'redirect_uri mismatch' });
    expect(validate({ ...base, redirect_uri: [REDIRECT, REDIRECT] })).toMatchObject({ kind: 'page', error: 'invalid_request' });
    expect(validate({ ...base, client_id: ['conf', 'pub'] })).toMatchObject({ kind: 'page', error: 'invalid_request' });
    // The client is checked before the other parameters: a bad response_type with an unknown client is a page.
    expect(validate({ ...base, client_id: 'nope', response_type: 'token' })).toMatchObject({ kind: 'page' });
  });

  it('redirects every later error with the state', () => {
    expect(redirected(validate({ ...base, response_type: 'token' }))).toMatchObject({ error: 'unsupported_response_type', state: 's1', redirectUri: REDIRECT });
    expect(redirected(validate({ ...base, response_type: undefined as unknown as string }))).toMatchObject({ error: 'invalid_request' });
    expect(redirected(validate({ ...base, nonce: ['a', 'b'] }))).toMatchObject({ error: 'invalid_request', description: expect.stringContaining('nonce') });
    expect(redirected(validate({ ...base, state: ['a', 'b'] }))).not.toHaveProperty('state');
    expect(redirected(validate({ ...base, request: 'eyJ...' }))).toMatchObject({ error: 'request_not_supported' });
    expect(redirected(validate({ ...base, request_uri: 'urn:x' }))).toMatchObject({ error: 'request_uri_not_supported' });
    expect(redirected(validate({ ...base, response_mode: 'form_post' }))).toMatchObject({ error: 'invalid_request' });
    expect(redirected(validate({ ...base, prompt: 'none login' }))).toMatchObject({ error: 'invalid_request' });
    expect(redirected(validate({ ...base, max_age: '-1' }))).toMatchObject({ error: 'invalid_request' });
    expect(redirected(validate({ ...base, client_id: 'machine' }))).toMatchObject({ error: 'unauthorized_client' });
  });

  it('takes repeated resource indicators (RFC 8707) and refuses malformed ones with invalid_target', () => {
    const valid = validate({ ...base, resource: ['https://mcp.example.com', 'https://api.example.com/v1', 'https://mcp.example.com'] });
    expect(valid).toMatchObject({ kind: 'valid', request: { resources: ['https://mcp.example.com', 'https://api.example.com/v1'] } });
    expect(validate(base)).toMatchObject({ kind: 'valid', request: { resources: [] } });
    for (const bad of ['/relative', 'https://mcp.example.com/#frag', 'https://user:pw@mcp.example.com', 'not a uri']) {
      expect(redirected(validate({ ...base, resource: bad }))).toMatchObject({ error: 'invalid_target', state: 's1' });
    }
    const many = Array.from({ length: 11 }, (_, i) => `https://r${i}.example.com`);
    expect(redirected(validate({ ...base, resource: many }))).toMatchObject({ error: 'invalid_target', description: expect.stringContaining('at most 10') });
  });

  it('requires S256 PKCE from public and require_pkce clients and refuses plain', () => {
    expect(redirected(validate({ ...base, client_id: 'pub' }))).toMatchObject({ error: 'invalid_request', description: expect.stringContaining('PKCE') });
    expect(redirected(validate({ ...base, client_id: 'strict' }))).toMatchObject({ error: 'invalid_request' });
    expect(redirected(validate({ ...base, code_challenge: CHALLENGE, code_challenge_method: 'plain' }))).toMatchObject({ description: expect.stringContaining('plain') });
    expect(redirected(validate({ ...base, code_challenge: CHALLENGE, code_challenge_method: 'S512' }))).toMatchObject({ error: 'invalid_request' });
    expect(redirected(validate({ ...base, code_challenge: 'short' }))).toMatchObject({ error: 'invalid_request' });
    expect(redirected(validate({ ...base, code_challenge_method: 'S256' }))).toMatchObject({ error: 'invalid_request' });
    const ok = validate({ ...base, client_id: 'pub', code_challenge: CHALLENGE });
    expect(ok).toMatchObject({ kind: 'valid', request: { codeChallenge: CHALLENGE, codeChallengeMethod: 'S256' } });
    // PKCE stays optional for a confidential client that does not require it.
    expect(validate(base)).toMatchObject({ kind: 'valid' });
  });

  it('drops unknown and unallowed scopes, never failing on them, and ignores unknown parameters', () => {
    const result = validate({ ...base, scope: 'openid user:email groups email openid', access_type: 'offline', display: 'page' });
    expect(result).toMatchObject({ kind: 'valid', request: { scope: ['openid', 'email'], state: 's1' } });
    expect(validate({ ...base, scope: undefined as unknown as string })).toMatchObject({ kind: 'valid', request: { scope: ['openid'] } });
  });

  it('keeps nonce, prompt and max_age, ignoring unknown prompt values', () => {
    const result = validate({ ...base, nonce: 'n-1', prompt: 'login consent create', max_age: '0' });
    if (result.kind !== 'valid') throw new Error(JSON.stringify(result));
    expect(result.request.nonce).toBe('n-1');
    expect([...result.request.prompt].sort()).toEqual(['consent', 'login']);
    expect(result.request.maxAge).toBe(0);
  });

  it('treats empty values as absent', () => {
    expect(validate({ ...base, redirect_uri: '' })).toMatchObject({ kind: 'page', description: 'must specify redirect_uri' });
    expect(validate({ ...base, state: '' })).toMatchObject({ kind: 'valid', request: expect.not.objectContaining({ state: expect.anything() }) });
  });
});

describe('withQuery', () => {
  it('keeps an existing query byte for byte', () => {
    expect(withQuery('https://a.example/cb', { code: 'c', state: undefined })).toBe('https://a.example/cb?code=c');
    expect(withQuery('https://a.example/cb?x=a%20b', { code: 'c', state: 's t' })).toBe('https://a.example/cb?x=a%20b&code=c&state=s+t');
    expect(withQuery('https://a.example/cb?', { code: 'c' })).toBe('https://a.example/cb?code=c');
  });
});

describe('formBody', () => {
  it('reads only form-encoded bodies', () => {
    expect(formBody('application/x-www-form-urlencoded; charset=UTF-8', { a: '1' })).toEqual({ a: '1' });
    expect(formBody('application/json', { a: '1' })).toBeUndefined();
    expect(formBody(undefined, { a: '1' })).toBeUndefined();
  });
});
