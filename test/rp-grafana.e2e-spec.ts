import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oauth from 'oauth4webapi';
import { startTestServer, type TestServer } from './support/test-server.js';

// Grafana's Generic OAuth (reference/relying-parties.md §1.3), replayed: no discovery, the three
// URLs typed into grafana.ini; scopes with GitHub's `user:email` in them; PKCE S256 with a
// 128-character verifier (use_pkce); the code redeemed with auth_style InParams
// (client_secret_post) or AutoDetect (Basic first); the ID token read without any signature check
// (retrieveRawIDToken), then userinfo (api_url); email, login and a groups array for
// groups_attribute_path; with use_refresh_token, a refresh once the access token expires.
// Verified by docs/grafana.md.
const ROOT_URL = 'https://grafana.example.com';
const CALLBACK = `${ROOT_URL}/login/generic_oauth`;
const PERSON = { login: 'bob@example.com', name: 'Bob Builder', groups: ['grafana-admins', 'eng'] };
/** The scopes of docs/grafana.md: offline_access is what makes meshid issue a refresh token. */
const SCOPES = 'openid profile email groups offline_access';

let meshid: TestServer;
let client: oauth.Client;
let secret: string;
/** grafana.ini's auth_url, token_url and api_url, by hand: what Grafana knows of meshid. */
let as: oauth.AuthorizationServer;
const INSECURE = { [oauth.allowInsecureRequests]: true } as const;

beforeAll(async () => {
  meshid = await startTestServer({ MESHID_DEV_IDENTITY: JSON.stringify(PERSON) });
  const created = await meshid.createClient({ client_name: 'Grafana', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'client_secret_post' });
  client = { client_id: created.clientId };
  secret = created.clientSecret!;
  as = {
    issuer: meshid.issuer,
    authorization_endpoint: `${meshid.issuer}/authorize`,
    token_endpoint: `${meshid.issuer}/token`,
    userinfo_endpoint: `${meshid.issuer}/userinfo`,
  };
});
afterAll(async () => meshid?.close());

/** Grafana's retrieveRawIDToken: the payload by regex and base64, no signature check at all. */
function decodeIdTokenLikeGrafana(idToken: string): Record<string, unknown> {
  const match = /^([\w-]+)\.([\w-]+)\.([\w-]*)$/.exec(idToken);
  expect(match).not.toBeNull();
  return JSON.parse(Buffer.from(match![2]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The login button: x/oauth2's AuthCodeURL with state and the PKCE challenge, followed by the browser. */
async function authorize(scope: string): Promise<{ params: URLSearchParams; verifier: string }> {
  const verifier = randomBytes(96).toString('base64url');
  expect(verifier).toHaveLength(128);
  const state = randomBytes(16).toString('base64url');
  const url = new URL(as.authorization_endpoint!);
  for (const [key, value] of Object.entries({ client_id: client.client_id, redirect_uri: CALLBACK, response_type: 'code', scope, state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' })) {
    url.searchParams.set(key, value);
  }
  const response = await fetch(url, { redirect: 'manual' });
  expect(response.status).toBe(303);
  const params = oauth.validateAuthResponse(as, client, new URL(response.headers.get('location')!), state);
  return { params, verifier };
}

/** UserInfo at api_url: Grafana's second source, after the ID token. */
async function userinfo(accessToken: string): Promise<Record<string, unknown>> {
  const response = await fetch(as.userinfo_endpoint!, { headers: { authorization: `Bearer ${accessToken}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe('Grafana Generic OAuth against meshid', () => {
  it('logs in with auth_style InParams, ignores user:email, reads email and groups, then refreshes', async () => {
    const { params, verifier } = await authorize(`${SCOPES} user:email`);
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretPost(secret), params, CALLBACK, verifier, INSECURE);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
    // The unknown scope was dropped, not refused; the others were granted.
    expect(tokens.scope?.split(' ').sort()).toEqual(SCOPES.split(' ').sort());

    const idToken = decodeIdTokenLikeGrafana(tokens.id_token!);
    const info = await userinfo(tokens.access_token);
    expect(info['sub']).toBe(idToken['sub']);
    // Every field: ID token first, then userinfo; email must be there or Grafana calls <api_url>/emails.
    for (const source of [idToken, info]) {
      expect(source['email']).toBe(PERSON.login);
      expect(source['name']).toBe(PERSON.name);
      expect(source['preferred_username']).toBe('bob');
      expect(source['groups']).toEqual(PERSON.groups);
    }
    // groups_attribute_path = groups, role_attribute_path = contains(groups[*], 'grafana-admins') && 'Admin' || 'Viewer'.
    expect((idToken['groups'] as string[]).includes('grafana-admins')).toBe(true);

    // use_refresh_token: the token's expiry is known from expires_in, then x/oauth2 refreshes in the same auth style.
    expect(tokens.expires_in).toBeGreaterThan(0);
    expect(tokens.refresh_token).toBeDefined();
    const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.ClientSecretPost(secret), tokens.refresh_token!, INSECURE));
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.refresh_token).toBeDefined();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(decodeIdTokenLikeGrafana(refreshed.id_token!)).toMatchObject({ sub: idToken['sub'], email: PERSON.login, groups: PERSON.groups });
    expect((await userinfo(refreshed.access_token))['email']).toBe(PERSON.login);
    // And the refresh after that, with the rotated token, as the next expiry would.
    const again = await oauth.refreshTokenGrantRequest(as, client, oauth.ClientSecretPost(secret), refreshed.refresh_token!, INSECURE);
    expect(again.status).toBe(200);
  });

  it('logs in with auth_style AutoDetect: HTTP Basic with the escaped credentials is accepted as it is', async () => {
    const { params, verifier } = await authorize(SCOPES);
    const basic = Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(secret)}`).toString('base64');
    const body = new URLSearchParams({ grant_type: 'authorization_code', code: params.get('code')!, redirect_uri: CALLBACK, code_verifier: verifier });
    const response = await fetch(as.token_endpoint!, { method: 'POST', headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const tokens = (await response.json()) as { id_token: string; refresh_token?: string };
    expect(decodeIdTokenLikeGrafana(tokens.id_token)['email']).toBe(PERSON.login);
    expect(tokens.refresh_token).toBeDefined();
  });

  it("with only Grafana's defaults plus OIDC scopes, signs in without a refresh token: offline_access is what asks for one", async () => {
    const { params, verifier } = await authorize('openid profile email user:email');
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretPost(secret), params, CALLBACK, verifier, INSECURE));
    expect(tokens.scope).toBe('openid profile email');
    expect(decodeIdTokenLikeGrafana(tokens.id_token!)['email']).toBe(PERSON.login);
    expect(tokens.refresh_token).toBeUndefined();
  });
});
