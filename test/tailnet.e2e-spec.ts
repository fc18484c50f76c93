import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request as httpsRequest } from 'node:https';
import * as oidc from 'openid-client';
import { LocalApiStandIn } from '../src/policy/testing/localapi-stand-in.js';
import { TEST_CERTIFICATE_PAIR, TEST_CERTIFICATE_PEM } from '../src/policy/testing/test-certificate.js';
import { ALICE_LAPTOP, TAGGED_SERVER } from '../src/policy/testing/whois-fixtures.js';
import { freePort, startTestServer, type TestServer } from './support/test-server.js';

// meshid behind `tailscale serve` on the same host: serve connects from loopback (a trusted
// proxy) and says who the browser is in X-Forwarded-For; meshid asks tailscaled (a LocalAPI
// stand-in on a unix socket) who that is. The relying party is openid-client.
const CALLBACK = 'http://127.0.0.1:9999/callback';
const TIMEOUT_MS = 300;

let tailscaled: LocalApiStandIn;
let meshid: TestServer;
let config: oidc.Configuration;
let basic: string;
beforeAll(async () => {
  tailscaled = await LocalApiStandIn.start({ whois: { [ALICE_LAPTOP.ip]: ALICE_LAPTOP.json, [TAGGED_SERVER.ip]: TAGGED_SERVER.json } });
  meshid = await startTestServer({
    MESHID_IDENTITY: 'tailscale',
    MESHID_TAILSCALE_SOCKET: tailscaled.socketPath,
    MESHID_TAILSCALE_TIMEOUT_MS: String(TIMEOUT_MS),
    MESHID_TRUSTED_PROXIES: '127.0.0.1/32',
  });
  const { clientId, clientSecret } = await meshid.createClient({ client_name: 'Grafana', redirect_uris: [CALLBACK] });
  basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
  config = await oidc.discovery(new URL(meshid.issuer), clientId, clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
});
afterAll(async () => {
  await meshid?.close();
  await tailscaled?.close();
});

/** The browser's /authorize, as tailscale serve forwards it for a tailnet address. */
function browse(url: URL, from: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { redirect: 'manual', headers: { 'x-forwarded-for': from, ...headers } });
}

async function signIn(scope = 'openid profile email offline_access') {
  const nonce = oidc.randomNonce();
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope, nonce, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
  const response = await browse(url, ALICE_LAPTOP.ip);
  expect(response.status).toBe(303);
  return oidc.authorizationCodeGrant(config, new URL(response.headers.get('location')!), { pkceCodeVerifier: verifier, expectedNonce: nonce });
}

/** Alice's whois answer with her tsidp grant's extra claim `team` changed. */
const aliceInTeam = (team: string) => ALICE_LAPTOP.json.replace('"team": "blue"', `"team": "${team}"`);

describe('a tailnet login through tailscale serve', () => {
  it('signs the caller in as tailscaled says, with tsidp claims and the grant’s extra claims', async () => {
    const tokens = await signIn();
    expect(tokens.claims()).toMatchObject({
      sub: 'userid:7743467757367193',
      email: 'alice@example.com',
      email_verified: true,
      name: 'Alice Example',
      preferred_username: 'alice',
      picture: 'https://lh3.googleusercontent.com/a/alice=s96-c',
      // Node.ID is 2^53 + 1: a number would be another node, so it stays exact as a string.
      nid: '9007199254740993',
      uid: 7743467757367193,
      node: 'alice-laptop.tail1234.ts.net.',
      tailnet: 'tail1234.ts.net.',
      addresses: ['100.101.102.103/32', 'fd7a:115c:a1e0::1234:5678/128'],
      key: expect.stringMatching(/^nodekey:/),
      team: 'blue',
      clearance: 3,
    });
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, 'userid:7743467757367193');
    expect(userinfo).toMatchObject({ sub: 'userid:7743467757367193', team: 'blue', clearance: 3, nid: '9007199254740993' });
    const whois = tailscaled.requests.filter((r) => r.url.startsWith('/localapi/v0/whois'));
    expect(whois.at(-1)).toMatchObject({ url: `/localapi/v0/whois?addr=${ALICE_LAPTOP.ip}`, headers: { host: 'local-tailscaled.sock' } });
    expect(whois.every((r) => r.headers.origin === undefined && r.headers.referer === undefined)).toBe(true);
  });

  it('evaluates the tailnet grants again at every refresh', async () => {
    const tokens = await signIn();
    tailscaled.whois.set(ALICE_LAPTOP.ip, aliceInTeam('red'));
    try {
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      expect(refreshed.claims()).toMatchObject({ sub: 'userid:7743467757367193', team: 'red' });
      expect(await oidc.fetchUserInfo(config, refreshed.access_token, 'userid:7743467757367193')).toMatchObject({ team: 'red' });
    } finally {
      tailscaled.whois.set(ALICE_LAPTOP.ip, ALICE_LAPTOP.json);
    }
  });

  it('answers a refresh while tailscaled does not with 503, and the same refresh token works once it is back', async () => {
    const tokens = await signIn();
    tailscaled.delayMs = TIMEOUT_MS * 4;
    try {
      // A 503, not a 400: relying parties treat a 400 on refresh as a dead grant and sign the
      // person out; a 5xx is a server in trouble, to retry (openid-client throws without parsing it).
      await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toThrow('unexpected HTTP response status code');
      const response = await fetch(`${meshid.issuer}/token`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toMatchObject({ error: 'temporarily_unavailable' });
    } finally {
      tailscaled.delayMs = 0;
    }
    expect((await oidc.refreshTokenGrant(config, tokens.refresh_token!)).claims()?.sub).toBe('userid:7743467757367193');
  });

  it('ends the grant of a person whose node has left the tailnet', async () => {
    const tokens = await signIn();
    tailscaled.whois.delete(ALICE_LAPTOP.ip);
    try {
      await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
      await expect(oidc.fetchUserInfo(config, tokens.access_token, 'userid:7743467757367193')).rejects.toBeDefined();
    } finally {
      tailscaled.whois.set(ALICE_LAPTOP.ip, ALICE_LAPTOP.json);
    }
  });

  it('shows a 503 page, never a hang, when tailscaled does not answer, and prompt=none gets temporarily_unavailable', async () => {
    tailscaled.delayMs = TIMEOUT_MS * 4;
    try {
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' });
      // A different port keeps the answer out of meshid's whois cache.
      const started = Date.now();
      const page = await browse(url, '100.101.102.104');
      expect(page.status).toBe(503);
      expect(await page.text()).toContain('Sign-in is unavailable right now');
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS * 3);
      url.searchParams.set('prompt', 'none');
      const redirect = await browse(url, '100.101.102.105');
      expect(redirect.status).toBe(303);
      expect(new URL(redirect.headers.get('location')!).searchParams.get('error')).toBe('temporarily_unavailable');
      // Operators see it: the sign-ins whose person could not be established, apart from failures.
      const metrics = await (await fetch(`${meshid.issuer}/metrics`)).text();
      expect(metrics).toMatch(/^meshid_logins_total\{method="network",outcome="unavailable"\} 2$/m);
    } finally {
      tailscaled.delayMs = 0;
    }
  });

  it('refuses tagged nodes and addresses not on the tailnet', async () => {
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' });
    expect((await browse(url, TAGGED_SERVER.ip)).status).toBe(401);
    expect((await browse(url, '100.64.0.250')).status).toBe(401);
    // Without X-Forwarded-For the proxy itself (loopback) is asked about, and is nobody.
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(401);
  });
});

describe('a request through Tailscale Funnel', () => {
  const funnel = (path: string, init: RequestInit = {}) =>
    fetch(new URL(path, meshid.issuer), { redirect: 'manual', ...init, headers: { 'tailscale-funnel-request': '?1', 'x-forwarded-for': '203.0.113.9', ...init.headers } });

  it('reaches discovery, JWKS and the back channel only', async () => {
    const discovery = await funnel('/.well-known/openid-configuration');
    expect(discovery.status).toBe(200);
    expect(await discovery.json()).not.toHaveProperty('registration_endpoint');
    const direct = await fetch(new URL('/.well-known/openid-configuration', meshid.issuer));
    expect(await direct.json()).toHaveProperty('registration_endpoint', `${meshid.issuer}/register`);
    expect((await funnel('/.well-known/jwks.json')).status).toBe(200);
    expect((await funnel('/.well-known/oauth-authorization-server')).status).toBe(200);
    const token = await funnel('/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=authorization_code' });
    expect(await token.json()).toMatchObject({ error: 'invalid_client' });
    expect((await funnel('/userinfo')).headers.get('www-authenticate')).toContain('Bearer');
  });

  it.each(['/authorize?client_id=x&redirect_uri=y', '/end-session', '/healthz', '/nowhere', '/register'])('answers %s with 401 access_denied', async (path) => {
    const response = await funnel(path);
    expect(response.status).toBe(401);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ error: 'access_denied', error_description: 'not available over Tailscale Funnel' });
  });

  it('reaches the sign-in pages when local accounts sign in from outside, but never approving nor administration', async () => {
    const signIn = await startTestServer({ MESHID_IDENTITY: 'tailscale,account', MESHID_TAILSCALE_SOCKET: tailscaled.socketPath, MESHID_TRUSTED_PROXIES: '127.0.0.1/32' });
    try {
      const client = await signIn.createClient({ client_name: 'app', redirect_uris: [CALLBACK] });
      const viaFunnel = (path: string) => fetch(new URL(path, signIn.issuer), { redirect: 'manual', headers: { 'tailscale-funnel-request': '?1', 'x-forwarded-for': '203.0.113.9' } });
      const query = new URLSearchParams({ client_id: client.clientId, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' });
      const authorize = await viaFunnel(`/authorize?${query}`);
      expect(authorize.status).toBe(303);
      const login = new URL(authorize.headers.get('location')!);
      expect(login.pathname).toBe('/login');
      expect((await viaFunnel(`${login.pathname}${login.search}`)).status).toBe(200);
      for (const path of ['/approve', '/api/v1/clients', '/register']) expect((await viaFunnel(path)).status).toBe(401);
    } finally {
      await signIn.close();
    }
  });

  it('is not believed from a peer that is not a trusted proxy', async () => {
    const other = await startTestServer({ MESHID_IDENTITY: 'tailscale', MESHID_TAILSCALE_SOCKET: tailscaled.socketPath });
    try {
      const response = await fetch(`${other.issuer}/healthz`, { headers: { 'tailscale-funnel-request': '?1' } });
      expect(response.status).toBe(200);
    } finally {
      await other.close();
    }
  });
});

describe('HTTPS with the certificate tailscaled issues (MESHID_TLS=tailscale)', () => {
  const HOST = 'idp.tail1234.ts.net';

  /** A GET over TLS to meshid on loopback, asking for the tailnet name (SNI) and trusting only the test certificate. */
  function get(port: number, path: string, servername: string | undefined): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const request = httpsRequest({ host: '127.0.0.1', port, path, ca: TEST_CERTIFICATE_PEM, ...(servername ? { servername } : { checkServerIdentity: () => undefined }) }, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve({ status: response.statusCode!, body }));
      });
      request.on('error', reject).end();
    });
  }

  it('serves the issuer over HTTPS with that certificate', async () => {
    const standIn = await LocalApiStandIn.start({ certificates: { [HOST]: TEST_CERTIFICATE_PAIR } });
    const port = await freePort();
    const secure = await startTestServer({ MESHID_TLS: 'tailscale', MESHID_ISSUER: `https://${HOST}:${port}`, MESHID_PORT: String(port), MESHID_TAILSCALE_SOCKET: standIn.socketPath });
    try {
      expect(secure.server.url).toBe(`https://127.0.0.1:${port}`);
      const discovery = await get(port, '/.well-known/openid-configuration', HOST);
      expect(discovery.status).toBe(200);
      expect(JSON.parse(discovery.body).issuer).toBe(`https://${HOST}:${port}`);
      expect((await get(port, '/healthz', undefined)).status).toBe(200);
      expect(standIn.requests.map((r) => r.url)).toEqual([`/localapi/v0/cert/${HOST}?type=pair`]);
    } finally {
      await secure.close();
      await standIn.close();
    }
  });

  it('refuses to start, saying why, when tailscaled cannot issue one', async () => {
    const standIn = await LocalApiStandIn.start();
    try {
      await expect(startTestServer({ MESHID_TLS: 'tailscale', MESHID_ISSUER: `https://${HOST}`, MESHID_TAILSCALE_SOCKET: standIn.socketPath })).rejects.toThrow(
        `tls (MESHID_TLS=tailscale): cannot serve HTTPS for ${HOST} with a tailscaled certificate`,
      );
    } finally {
      await standIn.close();
    }
  });
});
