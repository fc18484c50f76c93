import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';
import { EVENT_STORE, type EventStore } from '#event-store';
import { collect } from '../libs/event-store/src/testing/subscription-probe.js';
import { grantStream } from '../src/tokens/domain/grant.events.js';
import { startTestServer, type TestServer } from './support/test-server.js';

// Resource indicators (RFC 8707) and token exchange (RFC 8693), driven by oauth4webapi (an
// MCP-style public client) and openid-client (the MCP server exchanging its token downstream).
const CALLBACK = 'http://127.0.0.1:9999/callback';
const MCP = 'https://mcp.example.com';
const DOWNSTREAM = 'https://downstream.example.com';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const DEV_IDENTITY = JSON.stringify({
  login: 'alice@example.com',
  caps: [{ users: ['alice@example.com'], resources: [MCP, DOWNSTREAM, 'billing'] }],
});

let meshid: TestServer;
let as: oauth.AuthorizationServer;
let app: oauth.Client;
let mcpServer: oidc.Configuration;
let mcpServerId: string;

beforeAll(async () => {
  meshid = await startTestServer({ MESHID_DEV_IDENTITY: DEV_IDENTITY, MESHID_TOKEN_EXCHANGE: '1' });
  const issuer = new URL(meshid.issuer);
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { [oauth.allowInsecureRequests]: true }));
  const publicClient = await meshid.createClient({ client_name: 'MCP client', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none' });
  app = { client_id: publicClient.clientId };
  const server = await meshid.createClient({
    client_name: 'MCP server',
    redirect_uris: [],
    grant_types: ['client_credentials', TOKEN_EXCHANGE],
    scope: 'openid profile email billing:read',
  });
  mcpServerId = server.clientId;
  mcpServer = await oidc.discovery(issuer, server.clientId, server.clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
});
afterAll(async () => meshid?.close());

/** The browser's part: /authorize with the given parameters, to the redirect back. */
async function authorize(params: Record<string, string | string[]>, verifier: string): Promise<URL> {
  const url = new URL(as.authorization_endpoint!);
  const all = { client_id: app.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid offline_access', code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...params };
  for (const [name, value] of Object.entries(all)) for (const item of [value].flat()) url.searchParams.append(name, item);
  const response = await fetch(url, { redirect: 'manual' });
  expect(response.status).toBe(303);
  return new URL(response.headers.get('location')!);
}

/** A full public-client login bound to `resources`, returning the token response. */
async function loginFor(resources: string[], tokenResources: string[] = []) {
  const verifier = oauth.generateRandomCodeVerifier();
  const callback = await authorize({ resource: resources }, verifier);
  const params = oauth.validateAuthResponse(as, app, callback);
  const extra = new URLSearchParams(tokenResources.map((resource): [string, string] => ['resource', resource]));
  const response = await oauth.authorizationCodeGrantRequest(as, app, oauth.None(), params, CALLBACK, verifier, {
    [oauth.allowInsecureRequests]: true,
    additionalParameters: extra,
  });
  return oauth.processAuthorizationCodeResponse(as, app, response);
}

const exchange = (parameters: Record<string, string>) =>
  oidc.genericGrantRequest(mcpServer, TOKEN_EXCHANGE, { subject_token_type: ACCESS_TOKEN_TYPE, ...parameters });

describe('resource indicators (RFC 8707)', () => {
  it('bind the access token audience to the resources; the ID token stays the client’s', async () => {
    const tokens = await loginFor([MCP, DOWNSTREAM]);
    expect(decodeJwt(tokens.access_token).aud).toEqual([MCP, DOWNSTREAM]);
    expect(decodeJwt(tokens.id_token!).aud).toBe(app.client_id);

    const narrowed = await loginFor([MCP, DOWNSTREAM], [MCP]);
    expect(decodeJwt(narrowed.access_token).aud).toBe(MCP);

    // A refresh narrows too, and never widens.
    const refresh = (refreshToken: string, resource: string) =>
      oauth.refreshTokenGrantRequest(as, app, oauth.None(), refreshToken, {
        [oauth.allowInsecureRequests]: true,
        additionalParameters: { resource },
      });
    const refreshed = await oauth.processRefreshTokenResponse(as, app, await refresh(tokens.refresh_token!, DOWNSTREAM));
    expect(decodeJwt(refreshed.access_token).aud).toBe(DOWNSTREAM);
    const widened = await refresh(refreshed.refresh_token!, 'https://elsewhere.example.com');
    expect(widened.status).toBe(400);
    expect(await widened.json()).toMatchObject({ error: 'invalid_target' });
  });

  it('refuses at /authorize a resource the person’s rules do not allow, and keeps the allowed part', async () => {
    const denied = await authorize({ resource: 'https://elsewhere.example.com', state: 'st' }, oauth.generateRandomCodeVerifier());
    expect(Object.fromEntries(denied.searchParams)).toMatchObject({ error: 'invalid_target', state: 'st', iss: meshid.issuer });
    const partly = await loginFor([MCP, 'https://elsewhere.example.com']);
    expect(decodeJwt(partly.access_token).aud).toBe(MCP);
  });

  it('refuses a resource at /token that the code was not issued for, without using the code up', async () => {
    const verifier = oauth.generateRandomCodeVerifier();
    const params = oauth.validateAuthResponse(as, app, await authorize({ resource: MCP }, verifier));
    const redeem = (resource: string[]) =>
      oauth.authorizationCodeGrantRequest(as, app, oauth.None(), params, CALLBACK, verifier, {
        [oauth.allowInsecureRequests]: true,
        additionalParameters: new URLSearchParams(resource.map((r): [string, string] => ['resource', r])),
      });
    const refused = await redeem([DOWNSTREAM]);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_target' });
    const malformed = await redeem(['not a uri']);
    expect(await malformed.json()).toMatchObject({ error: 'invalid_target' });
    const tokens = await oauth.processAuthorizationCodeResponse(as, app, await redeem([MCP]));
    expect(decodeJwt(tokens.access_token).aud).toBe(MCP);
  });
});

describe('token exchange (RFC 8693)', () => {
  it('exchanges a live access token for a short-lived one for an allowed downstream audience, recorded on the grant', async () => {
    const subject = await loginFor([MCP]);
    const exchanged = await exchange({ subject_token: subject.access_token, resource: DOWNSTREAM, audience: 'https://not-allowed.example.com' });
    expect(exchanged).toMatchObject({ issued_token_type: ACCESS_TOKEN_TYPE, token_type: 'bearer', scope: 'openid offline_access' });
    expect(exchanged.expires_in).toBeLessThanOrEqual(300);
    const claims = decodeJwt(exchanged.access_token);
    const subjectClaims = decodeJwt(subject.access_token);
    expect(claims).toMatchObject({ sub: subjectClaims.sub, aud: DOWNSTREAM, client_id: mcpServerId, gid: subjectClaims['gid'] });
    expect(claims.exp!).toBeLessThanOrEqual(subjectClaims.exp!);
    expect(claims).not.toHaveProperty('act');

    // The downstream service can check it at introspection; it is recorded on the grant's stream.
    const introspected = await oidc.tokenIntrospection(mcpServer, exchanged.access_token);
    expect(introspected).toMatchObject({ active: true, aud: DOWNSTREAM, client_id: mcpServerId });
    const events = await collect(meshid.server.app.get<EventStore>(EVENT_STORE).readStream(grantStream(String(subjectClaims['gid']))));
    expect(events.at(-1)).toMatchObject({ type: 'TokenExchanged', data: { clientId: mcpServerId, audience: [DOWNSTREAM], scope: ['openid', 'offline_access'] } });
  });

  it('nests the actor in act, narrows the scope, and accepts a logical audience the rules name', async () => {
    const subject = await loginFor([MCP]);
    const actor = await oidc.clientCredentialsGrant(mcpServer, { scope: 'billing:read' });
    const exchanged = await exchange({ subject_token: subject.access_token, actor_token: actor.access_token, actor_token_type: ACCESS_TOKEN_TYPE, audience: 'billing', scope: 'openid' });
    expect(decodeJwt(exchanged.access_token)).toMatchObject({ aud: 'billing', scope: 'openid', act: { sub: mcpServerId, client_id: mcpServerId } });

    // Exchanged again with the same actor: the earlier actor stays nested.
    const again = await exchange({ subject_token: exchanged.access_token, actor_token: actor.access_token, actor_token_type: ACCESS_TOKEN_TYPE, resource: DOWNSTREAM });
    expect(decodeJwt(again.access_token).act).toEqual({ sub: mcpServerId, client_id: mcpServerId, act: { sub: mcpServerId, client_id: mcpServerId } });
    expect((await oidc.tokenIntrospection(mcpServer, again.access_token)).act).toEqual(decodeJwt(again.access_token).act);
  });

  it('refuses what RFC 8693 and the rules refuse', async () => {
    const subject = await loginFor([MCP]);
    const refusal = (parameters: Record<string, string>) => exchange({ subject_token: subject.access_token, ...parameters }).catch((error: unknown) => error);

    expect(await refusal({ audience: 'https://not-allowed.example.com' })).toMatchObject({ error: 'access_denied', status: 403 });
    expect(await refusal({ resource: DOWNSTREAM, scope: 'openid email' })).toMatchObject({ error: 'invalid_scope' });
    expect(await refusal({})).toMatchObject({ error: 'invalid_request' });
    expect(await refusal({ resource: DOWNSTREAM, subject_token: 'not-a-token' })).toMatchObject({ error: 'invalid_grant' });
    expect(await refusal({ resource: DOWNSTREAM, subject_token: subject.id_token! })).toMatchObject({ error: 'invalid_grant' });
    expect(await refusal({ resource: DOWNSTREAM, subject_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' })).toMatchObject({ error: 'invalid_request' });
    expect(await refusal({ resource: DOWNSTREAM, actor_token: subject.access_token })).toMatchObject({ error: 'invalid_request' });
    expect(await refusal({ resource: DOWNSTREAM, requested_token_type: 'urn:ietf:params:oauth:token-type:id_token' })).toMatchObject({ error: 'invalid_request' });
    expect(await refusal({ resource: 'https://downstream.example.com/#x' })).toMatchObject({ error: 'invalid_target' });

    // A client_credentials token has no person and so no rules.
    const own = await oidc.clientCredentialsGrant(mcpServer, { scope: 'billing:read' });
    expect(await refusal({ subject_token: own.access_token, resource: DOWNSTREAM })).toMatchObject({ error: 'access_denied' });

    // The public client may not exchange, and a confidential client must be registered for it.
    const asPublic = await fetch(as.token_endpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: TOKEN_EXCHANGE, client_id: app.client_id, subject_token: subject.access_token, subject_token_type: ACCESS_TOKEN_TYPE, resource: DOWNSTREAM }),
    });
    expect(await asPublic.json()).toMatchObject({ error: 'invalid_client' });
    const other = await meshid.createClient({ client_name: 'Not an exchanger', redirect_uris: [CALLBACK] });
    const otherConfig = await oidc.discovery(new URL(meshid.issuer), other.clientId, other.clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
    await expect(oidc.genericGrantRequest(otherConfig, TOKEN_EXCHANGE, { subject_token: subject.access_token, subject_token_type: ACCESS_TOKEN_TYPE, resource: DOWNSTREAM })).rejects.toMatchObject({
      error: 'unauthorized_client',
    });
  });

  it('ends with the grant: a revoked subject token cannot be exchanged, and tokens exchanged earlier die with it', async () => {
    const subject = await loginFor([MCP]);
    const exchanged = await exchange({ subject_token: subject.access_token, resource: DOWNSTREAM });
    // The exchanger may not end the person's grant with the exchanged token.
    await expect(oidc.tokenRevocation(mcpServer, exchanged.access_token)).rejects.toMatchObject({ error: 'unsupported_token_type' });

    const revoked = await oauth.revocationRequest(as, app, oauth.None(), subject.refresh_token!, { [oauth.allowInsecureRequests]: true });
    await oauth.processRevocationResponse(revoked);
    await expect(exchange({ subject_token: subject.access_token, resource: DOWNSTREAM })).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await oidc.tokenIntrospection(mcpServer, exchanged.access_token)).active).toBe(false);
  });
});

describe('token exchange switched off (the default)', () => {
  it('answers unsupported_grant_type and is not advertised', async () => {
    const plain = await startTestServer();
    try {
      const server = await plain.createClient({ client_name: 'MCP server', redirect_uris: [], grant_types: [TOKEN_EXCHANGE] });
      const config = await oidc.discovery(new URL(plain.issuer), server.clientId, server.clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
      expect(config.serverMetadata().grant_types_supported).not.toContain(TOKEN_EXCHANGE);
      await expect(oidc.genericGrantRequest(config, TOKEN_EXCHANGE, { subject_token: 'x', subject_token_type: ACCESS_TOKEN_TYPE, audience: 'a' })).rejects.toMatchObject({
        error: 'unsupported_grant_type',
        error_description: 'token exchange is not enabled',
      });
    } finally {
      await plain.close();
    }
  });
});
