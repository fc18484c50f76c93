import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import { createHash, randomBytes } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { IssueAuthorizationCodeCommand, type AuthorizationCodeRequest } from '../src/authorization/commands/issue-authorization-code.command.js';
import { CreateClientCommand } from '../src/clients/commands/create-client.command.js';
import type { ClientMetadataInput } from '../src/clients/domain/client-metadata.js';
import { KeyRing } from '../src/keys/read-model/key-ring.js';
import type { RunningServer } from '../src/server.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { ProjectionsService } from '../src/storage/projections.service.js';

const REDIRECT = 'https://rp.example/callback';
const context = { actor: 'test', correlationId: 'e2e' };
const claims = { name: 'Alice Example', preferred_username: 'alice', picture: 'https://pics.example/a.png', email: 'alice@example.com', email_verified: true, groups: ['admins', 'ops'] };
const insecure = { [oauth.allowInsecureRequests]: true };

let meshid: TestServer;
let server: RunningServer;
let issuer: string;
let as: oauth.AuthorizationServer;

beforeAll(async () => {
  meshid = await startTestServer();
  ({ server, issuer } = meshid);
  const ring = server.app.get(KeyRing);
  await waitUntil(() => ring.hasSigningKey('RS256') && ring.hasSigningKey('ES256') && ring.hasSigningKey('EdDSA'));
  as = {
    issuer,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    userinfo_endpoint: `${issuer}/userinfo`,
    introspection_endpoint: `${issuer}/introspect`,
    revocation_endpoint: `${issuer}/revoke`,
  };
});

afterAll(async () => {
  await meshid?.close();
});

async function createClient(metadata: ClientMetadataInput, clientId?: string) {
  const created = await server.app.get(CommandBus).execute(new CreateClientCommand({ client_name: 'RP', redirect_uris: [REDIRECT], ...metadata }, context, clientId));
  await server.app.get(ProjectionsService).waitFor(created.position, 5000);
  return { client: { client_id: created.clientId, ...(metadata.id_token_signed_response_alg ? { id_token_signed_response_alg: metadata.id_token_signed_response_alg as string } : {}) } as oauth.Client, secret: created.clientSecret! };
}

async function issueCode(clientId: string, overrides: Partial<AuthorizationCodeRequest> = {}) {
  const request: AuthorizationCodeRequest = { clientId, redirectUri: REDIRECT, scope: ['openid', 'profile', 'email', 'groups', 'offline_access'], subject: 'userid:42', claims, authTime: Math.floor(Date.now() / 1000), nonce: 'nonce-1', ...overrides };
  return (await server.app.get(CommandBus).execute(new IssueAuthorizationCodeCommand(request, context))).code;
}

const callback = (client: oauth.Client, code: string) => oauth.validateAuthResponse(as, client, new URLSearchParams({ code }), oauth.expectNoState);

function post(path: string, body: Record<string, string> | string, headers: Record<string, string> = {}) {
  const form = typeof body === 'string' ? body : new URLSearchParams(body).toString();
  return fetch(`${issuer}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: form });
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

async function expectOAuthError(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('pragma')).toBe('no-cache');
  expect(response.headers.get('content-type')).toContain('application/json');
  const body = (await response.json()) as { error: string; error_description: string };
  expect(body.error).toBe(error);
  expect(typeof body.error_description).toBe('string');
}

describe('the code flow with oauth4webapi', () => {
  it('code → tokens → userinfo → refresh rotation → replay revokes → introspection → revocation', async () => {
    const { client, secret } = await createClient({});
    const auth = oauth.ClientSecretBasic(secret);
    const code = await issueCode(client.client_id);

    const tokenResponse = await oauth.authorizationCodeGrantRequest(as, client, auth, callback(client, code), REDIRECT, oauth.nopkce, insecure);
    expect(tokenResponse.headers.get('cache-control')).toBe('no-store');
    expect(tokenResponse.headers.get('pragma')).toBe('no-cache');
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, tokenResponse, { expectedNonce: 'nonce-1', requireIdToken: true });
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 300, scope: 'openid profile email groups offline_access' });
    expect(tokens.refresh_token).toBeDefined();
    const idClaims = oauth.getValidatedIdTokenClaims(tokens)!;
    expect(idClaims).toMatchObject({ iss: issuer, sub: 'userid:42', aud: client.client_id, nonce: 'nonce-1', name: 'Alice Example', email: 'alice@example.com', groups: ['admins', 'ops'] });

    const info = await oauth.processUserInfoResponse(as, client, idClaims.sub, await oauth.userInfoRequest(as, client, tokens.access_token, insecure));
    expect(info).toEqual({ sub: 'userid:42', ...claims });
    const viaPost = await post('/userinfo', { access_token: tokens.access_token });
    expect(viaPost.status).toBe(200);
    expect(((await viaPost.json()) as { sub: string }).sub).toBe('userid:42');

    const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, insecure));
    expect(refreshed.refresh_token).toBeDefined();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(oauth.getValidatedIdTokenClaims(refreshed)!.sub).toBe('userid:42');

    const active = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, refreshed.access_token, insecure));
    expect(active).toMatchObject({ active: true, client_id: client.client_id, sub: 'userid:42', iss: issuer, token_type: 'Bearer', aud: client.client_id });
    const activeRefresh = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, refreshed.refresh_token!, insecure));
    expect(activeRefresh).toMatchObject({ active: true, sub: 'userid:42' });
    const usedRefresh = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, tokens.refresh_token!, insecure));
    expect(usedRefresh).toEqual({ active: false });

    // A replay of the rotated-away refresh token revokes the grant: every token of it stops working.
    await expectOAuthError(await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, insecure), 400, 'invalid_grant');
    const revokedInfo = await oauth.userInfoRequest(as, client, refreshed.access_token, insecure);
    expect(revokedInfo.status).toBe(401);
    expect(revokedInfo.headers.get('www-authenticate')).toContain('error="invalid_token"');
    await expectOAuthError(await oauth.refreshTokenGrantRequest(as, client, auth, refreshed.refresh_token!, insecure), 400, 'invalid_grant');
  });

  it('revokes a grant through its refresh token or an access token (RFC 7009), and answers 200 for unknown tokens', async () => {
    const { client, secret } = await createClient({ token_endpoint_auth_method: 'client_secret_post' });
    const auth = oauth.ClientSecretPost(secret);
    const first = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, auth, callback(client, await issueCode(client.client_id)), REDIRECT, oauth.nopkce, insecure), { expectedNonce: 'nonce-1' });
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, first.refresh_token!, { ...insecure, additionalParameters: { token_type_hint: 'refresh_token' } }));
    expect(await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, first.access_token, insecure))).toEqual({ active: false });
    expect((await oauth.userInfoRequest(as, client, first.access_token, insecure)).status).toBe(401);

    const second = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, auth, callback(client, await issueCode(client.client_id)), REDIRECT, oauth.nopkce, insecure), { expectedNonce: 'nonce-1' });
    const other = await createClient({});
    // Another client cannot revoke it: 200, and nothing happens.
    expect((await oauth.revocationRequest(as, other.client, oauth.ClientSecretBasic(other.secret), second.access_token, insecure)).status).toBe(200);
    expect((await oauth.userInfoRequest(as, client, second.access_token, insecure)).status).toBe(200);
    const revocation = await oauth.revocationRequest(as, client, auth, second.access_token, insecure);
    expect(revocation.status).toBe(200);
    expect(revocation.headers.get('cache-control')).toBe('no-store');
    expect((await oauth.userInfoRequest(as, client, second.access_token, insecure)).status).toBe(401);
    await expectOAuthError(await oauth.refreshTokenGrantRequest(as, client, auth, second.refresh_token!, insecure), 400, 'invalid_grant');
    expect((await oauth.revocationRequest(as, client, auth, 'no-such-token', insecure)).status).toBe(200);
  });

  it('signs the ID token with the client alg (ES256) and issues no refresh token without offline_access', async () => {
    const { client, secret } = await createClient({ id_token_signed_response_alg: 'ES256' });
    const code = await issueCode(client.client_id, { scope: ['openid', 'email'], nonce: undefined });
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretBasic(secret), callback(client, code), REDIRECT, oauth.nopkce, insecure);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
    expect(tokens.refresh_token).toBeUndefined();
    expect(JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'ES256' });
    const idClaims = oauth.getValidatedIdTokenClaims(tokens)!;
    expect(idClaims).not.toHaveProperty('nonce');
    expect(idClaims).not.toHaveProperty('name');
    const info = await oauth.processUserInfoResponse(as, client, 'userid:42', await oauth.userInfoRequest(as, client, tokens.access_token, insecure));
    expect(info).toEqual({ sub: 'userid:42', email: 'alice@example.com', email_verified: true });
  });

  it('serves a public client with PKCE (auth method none), and refuses it without a verifier', async () => {
    const { client } = await createClient({ token_endpoint_auth_method: 'none' });
    const verifier = oauth.generateRandomCodeVerifier();
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const code = await issueCode(client.client_id, { codeChallenge: challenge, codeChallengeMethod: 'S256' });
    await expectOAuthError(await post('/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: client.client_id }), 400, 'invalid_grant');
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), callback(client, code), REDIRECT, verifier, insecure);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: 'nonce-1' });
    expect(tokens.refresh_token).toBeDefined();
  });
});

describe('client authentication at /token', () => {
  it('never burns the code on a failed client authentication: the retry with the right secret succeeds', async () => {
    const { client, secret } = await createClient({});
    const code = await issueCode(client.client_id);
    const wrong = await post('/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, { authorization: basic(client.client_id, 'wrong') });
    await expectOAuthError(wrong, 401, 'invalid_client');
    expect(wrong.headers.get('www-authenticate')).toBe('Basic realm="meshid"');
    // What x/oauth2's AutoDetect (Headscale) does next: the same secret in the body. A
    // confidential client may use either method, whichever it registered.
    const retry = await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretPost(secret), callback(client, code), REDIRECT, oauth.nopkce, insecure);
    expect((await oauth.processAuthorizationCodeResponse(as, client, retry, { expectedNonce: 'nonce-1' })).access_token).toBeDefined();
    await expectOAuthError(await post('/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, { authorization: basic(client.client_id, secret) }), 400, 'invalid_grant');
  });

  it('refuses a confidential client without its secret and a public client with one', async () => {
    const { client } = await createClient({});
    const code = await issueCode(client.client_id);
    await expectOAuthError(await post('/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: client.client_id }), 401, 'invalid_client');
    const { client: publicClient } = await createClient({ token_endpoint_auth_method: 'none' });
    await expectOAuthError(await post('/token', { grant_type: 'refresh_token', refresh_token: 'x', client_id: publicClient.client_id, client_secret: 'anything' }), 401, 'invalid_client');
  });

  it('URL-decodes Basic credentials (every character percent-encoded)', async () => {
    const { client, secret } = await createClient({}, `my.app_${randomBytes(4).toString('hex')}`);
    const code = await issueCode(client.client_id);
    const percent = (text: string) => [...Buffer.from(text)].map((byte) => `%${byte.toString(16).padStart(2, '0').toUpperCase()}`).join('');
    const authorization = `Basic ${Buffer.from(`${percent(client.client_id)}:${percent(secret)}`).toString('base64')}`;
    const response = await post('/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, { authorization });
    expect(response.status).toBe(200);
  });

  it('revokes the first grant when a code is replayed', async () => {
    const { client, secret } = await createClient({});
    const code = await issueCode(client.client_id);
    const auth = oauth.ClientSecretBasic(secret);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, auth, callback(client, code), REDIRECT, oauth.nopkce, insecure), { expectedNonce: 'nonce-1' });
    await expectOAuthError(await oauth.authorizationCodeGrantRequest(as, client, auth, callback(client, code), REDIRECT, oauth.nopkce, insecure), 400, 'invalid_grant');
    expect((await oauth.userInfoRequest(as, client, tokens.access_token, insecure)).status).toBe(401);
  });
});

describe('client_credentials', () => {
  it('issues an access token for the client itself: sub = client_id, no ID token, no refresh token', async () => {
    const { client, secret } = await createClient({ grant_types: ['client_credentials'], redirect_uris: [], scope: 'api.read api.write' });
    const response = await post('/token', { grant_type: 'client_credentials', scope: 'api.read' }, { authorization: basic(client.client_id, secret) });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'api.read' });
    expect(body).not.toHaveProperty('id_token');
    expect(body).not.toHaveProperty('refresh_token');
    const introspected = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, oauth.ClientSecretBasic(secret), body.access_token as string, insecure));
    expect(introspected).toMatchObject({ active: true, sub: client.client_id, scope: 'api.read' });
    await expectOAuthError(await post('/token', { grant_type: 'client_credentials', scope: 'admin' }, { authorization: basic(client.client_id, secret) }), 400, 'invalid_scope');
  });

  it('records nothing when it issues, and records the grant as revoked when its owner revokes the token', async () => {
    const store = server.app.get<EventStore>(EVENT_STORE);
    const head = async () => {
      for await (const event of store.readAll({ direction: 'backwards', maxCount: 1 })) return event.position.commit;
      return 0n;
    };
    const owner = await createClient({ grant_types: ['client_credentials'], redirect_uris: [] });
    const other = await createClient({ grant_types: ['client_credentials'], redirect_uris: [] });
    const before = await head();
    const response = await post('/token', { grant_type: 'client_credentials' }, { authorization: basic(owner.client.client_id, owner.secret) });
    const token = ((await response.json()) as { access_token: string }).access_token;
    expect(await head()).toBe(before);

    const introspect = async () => (await post('/introspect', { token }, { authorization: basic(owner.client.client_id, owner.secret) })).json();
    // Another client's revocation is answered 200 (RFC 7009 §2.2) and changes nothing.
    expect((await post('/revoke', { token }, { authorization: basic(other.client.client_id, other.secret) })).status).toBe(200);
    expect(await head()).toBe(before);
    expect(await introspect()).toMatchObject({ active: true });

    expect((await post('/revoke', { token }, { authorization: basic(owner.client.client_id, owner.secret) })).status).toBe(200);
    expect(await introspect()).toEqual({ active: false });
    const gid = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).gid as string;
    const recorded = [];
    for await (const event of store.readStream(`grant-${gid}`)) recorded.push({ type: event.type, data: event.data });
    expect(recorded).toEqual([{ type: 'GrantRevoked', data: { reason: 'revoked_by_client', clientId: owner.client.client_id } }]);
    // Revoking again writes nothing more.
    expect((await post('/revoke', { token }, { authorization: basic(owner.client.client_id, owner.secret) })).status).toBe(200);
    const after = await head();
    expect(after).toBeGreaterThan(before);
    expect(await head()).toBe(after);
  });
});

describe('errors are RFC error bodies with no-store', () => {
  let client: oauth.Client;
  let secret: string;
  beforeAll(async () => ({ client, secret } = await createClient({})));

  it('missing grant_type → invalid_request; unknown grant_type → unsupported_grant_type', async () => {
    await expectOAuthError(await post('/token', {}, { authorization: basic(client.client_id, secret) }), 400, 'invalid_request');
    await expectOAuthError(await post('/token', { grant_type: 'password' }, { authorization: basic(client.client_id, secret) }), 400, 'unsupported_grant_type');
  });

  it('a repeated parameter → invalid_request; a grant the client is not registered for → unauthorized_client', async () => {
    await expectOAuthError(await post('/token', 'grant_type=authorization_code&code=a&code=b', { authorization: basic(client.client_id, secret) }), 400, 'invalid_request');
    await expectOAuthError(await post('/token', { grant_type: 'client_credentials' }, { authorization: basic(client.client_id, secret) }), 400, 'unauthorized_client');
  });

  it('unknown client, both methods at once, no client, a JSON body', async () => {
    await expectOAuthError(await post('/token', { grant_type: 'authorization_code', code: 'x' }, { authorization: basic('nobody', 'pw') }), 401, 'invalid_client');
    await expectOAuthError(await post('/token', { grant_type: 'authorization_code', code: 'x', client_secret: secret }, { authorization: basic(client.client_id, secret) }), 400, 'invalid_request');
    await expectOAuthError(await post('/token', { grant_type: 'authorization_code', code: 'x' }), 401, 'invalid_client');
    const json = await fetch(`${issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"authorization_code"}' });
    await expectOAuthError(json, 400, 'invalid_request');
  });

  it('an unknown code or refresh token → invalid_grant', async () => {
    await expectOAuthError(await post('/token', { grant_type: 'authorization_code', code: 'nope', redirect_uri: REDIRECT }, { authorization: basic(client.client_id, secret) }), 400, 'invalid_grant');
    await expectOAuthError(await post('/token', { grant_type: 'refresh_token', refresh_token: 'nope' }, { authorization: basic(client.client_id, secret) }), 400, 'invalid_grant');
  });

  it('userinfo: no token → 401 with a Bearer challenge; a bad token → 401 invalid_token', async () => {
    const none = await fetch(`${issuer}/userinfo`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="meshid"');
    const bad = await fetch(`${issuer}/userinfo`, { headers: { authorization: 'Bearer not-a-token' } });
    await expectOAuthError(bad, 401, 'invalid_token');
    expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('introspection: needs client authentication and a token; anything invalid is {active:false}', async () => {
    await expectOAuthError(await post('/introspect', { token: 'x' }), 401, 'invalid_client');
    await expectOAuthError(await post('/introspect', {}, { authorization: basic(client.client_id, secret) }), 400, 'invalid_request');
    const inactive = await post('/introspect', { token: 'garbage' }, { authorization: basic(client.client_id, secret) });
    expect(inactive.status).toBe(200);
    expect(inactive.headers.get('cache-control')).toBe('no-store');
    expect(await inactive.json()).toEqual({ active: false });
  });
});


async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
