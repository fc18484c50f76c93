import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oauth from 'oauth4webapi';
import { startTestServer, type TestServer } from './support/test-server.js';

// The whole MCP authorization story with oauth4webapi, the library MCP SDKs build on:
// an MCP client discovers meshid (RFC 8414 address first), registers itself (RFC 7591, a public
// client), logs a person in with the MCP server as `resource` (RFC 8707), and calls the MCP
// server; the MCP server validates the token as a resource server (RFC 9068, its own audience)
// and exchanges it (RFC 8693) for a token to a downstream API instead of passing it through.
const MCP_SERVER = 'https://mcp.example.com/mcp';
const DOWNSTREAM = 'https://api.example.com';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const INSECURE = { [oauth.allowInsecureRequests]: true } as const;
// The person may register clients and reach the MCP server and, through it, the API.
const DEV_IDENTITY = JSON.stringify({ login: 'alice@example.com', caps: [{ allow_dcr: true, users: ['*'], resources: [MCP_SERVER, DOWNSTREAM] }] });

let meshid: TestServer;
beforeAll(async () => {
  meshid = await startTestServer({ MESHID_DEV_IDENTITY: DEV_IDENTITY, MESHID_TOKEN_EXCHANGE: 'true' });
});
afterAll(async () => meshid?.close());

describe('an MCP client and server on meshid', () => {
  it('discovers, registers, logs in for the MCP server, and the server exchanges the token downstream', async () => {
    // Discovery, RFC 8414 first (what the 2025-11-25 MCP spec has clients try first for an issuer without a path).
    const issuer = new URL(meshid.issuer);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...INSECURE }));
    expect(as.code_challenge_methods_supported).toContain('S256');
    expect(as.registration_endpoint).toBe(`${meshid.issuer}/register`);

    // Dynamic registration of the MCP client: public, loopback redirect, refresh tokens.
    const registered = await oauth.processDynamicClientRegistrationResponse(
      await oauth.dynamicClientRegistrationRequest(
        as,
        {
          client_name: 'Example MCP client',
          redirect_uris: ['http://127.0.0.1/callback'],
          token_endpoint_auth_method: 'none',
          grant_types: ['authorization_code', 'refresh_token'],
          scope: 'openid offline_access',
        },
        INSECURE,
      ),
    );
    expect(registered.client_secret).toBeUndefined();
    const client: oauth.Client = { client_id: registered.client_id };

    // Login with the MCP server as the resource, on the port the client happened to get.
    const redirectUri = 'http://127.0.0.1:49152/callback';
    const verifier = oauth.generateRandomCodeVerifier();
    const authorize = new URL(as.authorization_endpoint!);
    for (const [name, value] of Object.entries({
      client_id: client.client_id,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid offline_access',
      resource: MCP_SERVER,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'mcp-state',
    })) {
      authorize.searchParams.set(name, value);
    }
    const browser = await fetch(authorize, { redirect: 'manual' });
    expect(browser.status).toBe(303);
    const params = oauth.validateAuthResponse(as, client, new URL(browser.headers.get('location')!), 'mcp-state');
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier, { ...INSECURE, additionalParameters: { resource: MCP_SERVER } }),
    );

    // The MCP server checks the bearer token as a resource server: signature, typ, issuer, and itself as the audience.
    const call = new Request(MCP_SERVER, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    const claims = await oauth.validateJwtAccessToken(as, call, MCP_SERVER, INSECURE);
    expect(claims).toMatchObject({ aud: MCP_SERVER, client_id: client.client_id, sub: 'dev:alice@example.com' });
    // ...and a token meant for it is refused by anyone else.
    await expect(oauth.validateJwtAccessToken(as, call, DOWNSTREAM, INSECURE)).rejects.toBeDefined();

    // The MCP server is itself a registered (confidential) client allowed to exchange.
    const server = await oauth.processDynamicClientRegistrationResponse(
      await oauth.dynamicClientRegistrationRequest(as, { client_name: 'Example MCP server', redirect_uris: [], grant_types: [TOKEN_EXCHANGE], token_endpoint_auth_method: 'client_secret_basic' }, INSECURE),
    );
    const serverClient: oauth.Client = { client_id: server.client_id };
    const exchanged = await oauth.processGenericTokenEndpointResponse(
      as,
      serverClient,
      await oauth.genericTokenEndpointRequest(
        as,
        serverClient,
        oauth.ClientSecretBasic(server.client_secret as string),
        TOKEN_EXCHANGE,
        { subject_token: tokens.access_token, subject_token_type: ACCESS_TOKEN_TYPE, resource: DOWNSTREAM },
        INSECURE,
      ),
    );
    expect(exchanged.issued_token_type).toBe(ACCESS_TOKEN_TYPE);
    const downstream = await oauth.validateJwtAccessToken(as, new Request(DOWNSTREAM, { headers: { authorization: `Bearer ${exchanged.access_token}` } }), DOWNSTREAM, INSECURE);
    expect(downstream).toMatchObject({ aud: DOWNSTREAM, sub: claims.sub, client_id: server.client_id });

    // The public client's refresh tokens rotate, and keep the resource binding.
    const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, INSECURE));
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    const again = new Request(MCP_SERVER, { headers: { authorization: `Bearer ${refreshed.access_token}` } });
    expect(await oauth.validateJwtAccessToken(as, again, MCP_SERVER, INSECURE)).toMatchObject({ aud: MCP_SERVER });
  });
});
