import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';
import { startTestServer, type TestServer } from './support/test-server.js';

// The whole life of a login, driven by real relying-party libraries: openid-client (as
// Grafana-like confidential apps use it) and oauth4webapi (as MCP-style public clients do).
const CALLBACK = 'http://127.0.0.1:9999/callback';
const LOGGED_OUT = 'http://127.0.0.1:9999/logged-out';
const DEV_IDENTITY = JSON.stringify({ login: 'alice@example.com', name: 'Alice Example', groups: ['admins', 'eng'] });

let meshid: TestServer;
beforeAll(async () => {
  meshid = await startTestServer({ MESHID_DEV_IDENTITY: DEV_IDENTITY });
});
afterAll(async () => meshid?.close());

/** What the browser does: follow /authorize to the 303 that carries the code. */
async function login(url: URL): Promise<URL> {
  const response = await fetch(url, { redirect: 'manual' });
  expect(response.status).toBe(303);
  return new URL(response.headers.get('location')!);
}

describe('a login from discovery to logout', () => {
  it('works for openid-client with a confidential client', async () => {
    const { clientId, clientSecret } = await meshid.createClient({
      client_name: 'Grafana',
      redirect_uris: [CALLBACK],
      post_logout_redirect_uris: [LOGGED_OUT],
    });
    const config = await oidc.discovery(new URL(meshid.issuer), clientId, clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
    expect(config.serverMetadata().issuer).toBe(meshid.issuer);

    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const state = oidc.randomState();
    const authorizeUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: 'openid profile email groups offline_access',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
      state,
    });
    const callback = await login(authorizeUrl);
    expect(callback.searchParams.get('iss')).toBe(meshid.issuer);

    // Code → tokens, with the ID token's signature, iss, aud, nonce and at_hash checked by the library.
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({
      iss: meshid.issuer,
      aud: clientId,
      sub: 'dev:alice@example.com',
      nonce,
      email: 'alice@example.com',
      email_verified: true,
      name: 'Alice Example',
      preferred_username: 'alice',
      groups: ['admins', 'eng'],
    });
    expect(tokens.refresh_token).toBeDefined();

    // Userinfo, with the same subject as the ID token.
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(userinfo).toMatchObject({ sub: claims.sub, email: 'alice@example.com', groups: ['admins', 'eng'] });

    // Refresh rotates; the rotated-away token then revokes the whole grant.
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oidc.fetchUserInfo(config, refreshed.access_token, claims.sub)).rejects.toBeDefined();
    const introspected = await oidc.tokenIntrospection(config, refreshed.access_token);
    expect(introspected.active).toBe(false);

    // A new login, revoked by the client, is inactive at once.
    const second = await oidc.authorizationCodeGrant(
      config,
      await login(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid offline_access', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state })),
      { pkceCodeVerifier: verifier, expectedState: state },
    );
    expect((await oidc.tokenIntrospection(config, second.access_token)).active).toBe(true);
    await oidc.tokenRevocation(config, second.refresh_token!);
    expect((await oidc.tokenIntrospection(config, second.access_token)).active).toBe(false);

    // RP-initiated logout back to a registered URI.
    const logout = oidc.buildEndSessionUrl(config, { id_token_hint: second.id_token!, post_logout_redirect_uri: LOGGED_OUT, state: 'bye' });
    const loggedOut = await fetch(logout, { redirect: 'manual' });
    expect(loggedOut.status).toBe(303);
    expect(new URL(loggedOut.headers.get('location')!).searchParams.get('state')).toBe('bye');
  });

  it('works for oauth4webapi with a public client (PKCE, no secret)', async () => {
    const { clientId } = await meshid.createClient({ client_name: 'MCP client', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none' });
    const as = await oauth.processDiscoveryResponse(
      new URL(meshid.issuer),
      await oauth.discoveryRequest(new URL(meshid.issuer), { [oauth.allowInsecureRequests]: true }),
    );
    const client: oauth.Client = { client_id: clientId };
    const verifier = oauth.generateRandomCodeVerifier();
    const url = new URL(as.authorization_endpoint!);
    for (const [key, value] of Object.entries({
      client_id: clientId,
      redirect_uri: CALLBACK,
      response_type: 'code',
      scope: 'openid email offline_access',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    })) url.searchParams.set(key, value);
    const params = oauth.validateAuthResponse(as, client, await login(url), oauth.expectNoState);
    const options = { [oauth.allowInsecureRequests]: true };
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, CALLBACK, verifier, options);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ aud: clientId, email: 'alice@example.com' });
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, options),
    );
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
  });
});
