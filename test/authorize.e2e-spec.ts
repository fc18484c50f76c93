import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';
import { RedeemAuthorizationCodeCommand } from '../src/authorization/commands/redeem-authorization-code.command.js';
import type { ClientMetadataInput } from '../src/clients/domain/client-metadata.js';
import { KeyRing } from '../src/keys/read-model/key-ring.js';
import type { RunningServer } from '../src/server.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const CALLBACK = 'http://127.0.0.1:9999/callback';
const CALLBACK_WITH_QUERY = 'http://127.0.0.1:9999/cb?tenant=a%20b&x=1';
const LOGGED_OUT = 'http://127.0.0.1:9999/logged-out?from=meshid';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

const started = new Map<RunningServer, TestServer>();
afterAll(async () => {
  for (const meshid of started.values()) await meshid.close();
});

/**
 * meshid with the dev identity, or else with no resolver that can recognise anyone (proxy-headers
 * without trusted proxies), or with only local accounts' sign-in pages.
 */
async function start(devIdentity?: string, identity = 'proxy-headers'): Promise<{ server: RunningServer; issuer: string }> {
  const meshid = await startTestServer(devIdentity === undefined ? { MESHID_IDENTITY: identity } : { MESHID_DEV_IDENTITY: devIdentity });
  started.set(meshid.server, meshid);
  return { server: meshid.server, issuer: meshid.issuer };
}

function createClient(server: RunningServer, metadata: ClientMetadataInput): Promise<{ clientId: string; clientSecret?: string }> {
  return started.get(server)!.createClient(metadata);
}

function authorizeUrl(issuer: string, params: Record<string, string>): string {
  return `${issuer}/authorize?${new URLSearchParams(params)}`;
}

async function get(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { redirect: 'manual', ...init });
}

function location(response: Response): URL {
  expect(response.status).toBe(303);
  return new URL(response.headers.get('location')!);
}

async function expectPage(response: Response, status: number, text: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get('location')).toBeNull();
  expect(response.headers.get('content-type')).toContain('text/html');
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'");
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(await response.text()).toContain(text);
}

describe('/authorize with the dev identity', () => {
  let server: RunningServer;
  let issuer: string;
  let confidential: { clientId: string; clientSecret?: string };
  let publicClient: { clientId: string };

  beforeAll(async () => {
    ({ server, issuer } = await start('{"login":"Alice@example.com","name":"Alice","groups":["eng"]}'));
    confidential = await createClient(server, {
      client_name: 'app',
      redirect_uris: [CALLBACK, CALLBACK_WITH_QUERY],
      post_logout_redirect_uris: [LOGGED_OUT],
      scope: 'openid profile email',
    });
    publicClient = await createClient(server, { client_name: 'spa', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none' });
  });

  it('completes the openid-client flow: code, state and iss come back', async () => {
    const config = await oidc.discovery(new URL(issuer), confidential.clientId, confidential.clientSecret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    expect(config.serverMetadata().issuer).toBe(issuer);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: 'openid profile email',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce: oidc.randomNonce(),
      state,
    });
    const response = await get(url.href);
    const back = location(response);
    expect(back.origin + back.pathname).toBe(CALLBACK);
    expect(back.searchParams.get('code')).toMatch(/^\S{20,}$/);
    expect(back.searchParams.get('state')).toBe(state);
    expect(back.searchParams.get('iss')).toBe(issuer);
    expect(response.headers.get('cache-control')).toBe('no-store');
    // oauth4webapi (what openid-client runs on the callback) accepts it: state and RFC 9207 iss checked.
    const accepted = oauth.validateAuthResponse(config.serverMetadata(), { client_id: confidential.clientId }, back, state);
    expect(accepted.get('code')).toBe(back.searchParams.get('code'));

    // The code carries the dev identity, the granted scopes, the nonce and the S256 challenge.
    const redeemed = await server.app.get(CommandBus).execute(
      new RedeemAuthorizationCodeCommand(accepted.get('code')!, confidential.clientId, CALLBACK, verifier, [], { actor: 'test', correlationId: 'test' }),
    );
    expect(redeemed.issued).toMatchObject({
      subject: 'dev:Alice@example.com',
      scope: ['openid', 'profile', 'email'],
      nonce: url.searchParams.get('nonce'),
      codeChallengeMethod: 'S256',
      claims: { name: 'Alice', email: 'Alice@example.com', email_verified: true, preferred_username: 'alice', groups: ['eng'] },
    });
    expect(Math.abs(redeemed.issued.authTime - Date.now() / 1000)).toBeLessThan(5);
  });

  it('accepts POST with a form body and keeps the redirect URI query', async () => {
    const body = new URLSearchParams({ client_id: confidential.clientId, redirect_uri: CALLBACK_WITH_QUERY, response_type: 'code', scope: 'openid', state: 'st' });
    const back = location(await get(`${issuer}/authorize`, { method: 'POST', body }));
    expect(back.href.startsWith(`${CALLBACK_WITH_QUERY}&code=`)).toBe(true);
    expect(back.searchParams.get('tenant')).toBe('a b');
    expect(back.searchParams.get('state')).toBe('st');
  });

  it('shows pages, not redirects, in the validation order', async () => {
    const full = { client_id: confidential.clientId, redirect_uri: CALLBACK, response_type: 'code' };
    await expectPage(await get(authorizeUrl(issuer, { client_id: confidential.clientId })), 400, 'must specify redirect_uri');
    await expectPage(await get(authorizeUrl(issuer, { redirect_uri: CALLBACK })), 400, 'must specify client_id');
    await expectPage(await get(authorizeUrl(issuer, { ...full, client_id: 'unknown' })), 400, 'invalid client ID');
    await expectPage(await get(authorizeUrl(issuer, { ...full, redirect_uri: 'http://127.0.0.1:9999/other' })), 400, 'redirect_uri mismatch');
    await expectPage(await get(authorizeUrl(issuer, { ...full, redirect_uri: '<script>' })), 400, 'redirect_uri mismatch');
  });

  it('redirects errors once the client is trusted, with error, state and iss', async () => {
    const full = { client_id: confidential.clientId, redirect_uri: CALLBACK, response_type: 'code', state: 'xyz' };
    let back = location(await get(authorizeUrl(issuer, { ...full, response_type: 'token' })));
    expect(Object.fromEntries(back.searchParams)).toMatchObject({ error: 'unsupported_response_type', state: 'xyz', iss: issuer });
    back = location(await get(authorizeUrl(issuer, { ...full, code_challenge: CHALLENGE, code_challenge_method: 'plain' })));
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('error_description')).toContain('plain');
    back = location(await get(authorizeUrl(issuer, { ...full, client_id: publicClient.clientId })));
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('error_description')).toContain('PKCE');
    back = location(await get(`${authorizeUrl(issuer, full)}&scope=openid&scope=email`));
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('error_description')).toContain('scope');
    back = location(await get(authorizeUrl(issuer, { ...full, request_uri: 'urn:example:1' })));
    expect(back.searchParams.get('error')).toBe('request_uri_not_supported');
  });

  it('ignores unknown scopes and parameters and serves a public client with PKCE', async () => {
    const back = location(
      await get(authorizeUrl(issuer, {
        client_id: publicClient.clientId, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid user:email groups',
        code_challenge: CHALLENGE, access_type: 'offline', display: 'popup', prompt: 'none', max_age: '0',
      })),
    );
    expect(back.searchParams.get('code')).toBeTruthy();
    expect(back.searchParams.get('error')).toBeNull();
    expect(back.searchParams.has('state')).toBe(false);
  });

  it('signs out: redirects to a registered post_logout_redirect_uri with the state', async () => {
    const ring = server.app.get(KeyRing);
    await waitUntil(() => ring.hasSigningKey('RS256'));
    const key = ring.signingKey('RS256');
    const now = Math.floor(Date.now() / 1000);
    const idToken = await new SignJWT({ nonce: 'n' })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuer(issuer).setSubject('dev:Alice@example.com').setAudience(confidential.clientId)
      .setIssuedAt(now - 7200).setExpirationTime(now - 3600)
      .sign(key.privateKey);

    const back = location(await get(`${issuer}/end-session?${new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: LOGGED_OUT, state: 'bye' })}`));
    expect(back.href).toBe(`${LOGGED_OUT}&state=bye`);

    const posted = await get(`${issuer}/end-session`, {
      method: 'POST',
      body: new URLSearchParams({ client_id: confidential.clientId, post_logout_redirect_uri: LOGGED_OUT }),
    });
    expect(location(posted).href).toBe(LOGGED_OUT);

    await expectPage(await get(`${issuer}/end-session?${new URLSearchParams({ client_id: confidential.clientId, post_logout_redirect_uri: CALLBACK })}`), 400, 'not registered');
    await expectPage(await get(`${issuer}/end-session?${new URLSearchParams({ id_token_hint: `${idToken.slice(0, -4)}AAAA` })}`), 400, 'not an ID token');
    await expectPage(await get(`${issuer}/end-session?${new URLSearchParams({ id_token_hint: idToken, client_id: publicClient.clientId })}`), 400, 'does not match');
    await expectPage(await get(`${issuer}/end-session`), 200, 'Signed out');
  });
});

describe('/authorize with no identity resolver', () => {
  it('answers prompt=none with login_required and otherwise a 401 page', async () => {
    const { server, issuer } = await start();
    const client = await createClient(server, { client_name: 'app', redirect_uris: [CALLBACK] });
    const params = { client_id: client.clientId, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', state: 's' };
    const back = location(await get(authorizeUrl(issuer, { ...params, prompt: 'none' })));
    expect(Object.fromEntries(back.searchParams)).toMatchObject({ error: 'login_required', state: 's', iss: issuer });
    await expectPage(await get(authorizeUrl(issuer, params)), 401, 'MESHID_DEV_IDENTITY');
  });
});

describe('/authorize with sign-in pages (the account resolver)', () => {
  it('sends a browser nobody recognises to the sign-in page with the request to come back to, whether it came by GET or POST', async () => {
    const { server, issuer } = await start(undefined, 'account');
    const client = await createClient(server, { client_name: 'app', redirect_uris: [CALLBACK] });
    const params = { client_id: client.clientId, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', state: 's', prompt: 'login', resource: 'https://api.example.com/' };
    const signIn = location(await get(authorizeUrl(issuer, params)));
    expect(`${signIn.origin}${signIn.pathname}`).toBe(`${issuer}/login`);
    expect(signIn.searchParams.get('return_to')).toBe(`/authorize?${new URLSearchParams(params)}`);

    const posted = location(await get(`${issuer}/authorize`, { method: 'POST', body: new URLSearchParams(params) }));
    expect(posted.searchParams.get('return_to')).toBe(`/authorize?${new URLSearchParams(params)}`);

    const back = location(await get(authorizeUrl(issuer, { ...params, prompt: 'none' })));
    expect(Object.fromEntries(back.searchParams)).toMatchObject({ error: 'login_required', state: 's', iss: issuer });
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
