import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import * as oauth from 'oauth4webapi';
import { Clock } from '../src/common/clock.js';
import { startTestServer, type TestServer } from './support/test-server.js';

// The abuse limits of issue H §5 against the real server, with low limits set through the
// environment: client authentication failures, requests per minute, registrations, body and
// header sizes. Time moves by mocking Clock (every Clock instance of the server reads it), never
// by waiting.

const LIMITS = {
  MESHID_RATE_LIMIT_REQUESTS_PER_MINUTE: '8',
  MESHID_RATE_LIMIT_CLIENT_AUTH_FAILURES: '3',
  MESHID_RATE_LIMIT_REGISTRATIONS_PER_HOUR: '3',
};
const MINUTE = 60_000;

/** Behind a trusted proxy (127.0.0.1), so that X-Forwarded-For gives each case its own address. */
let proxied: TestServer;
/** No trusted proxy: X-Forwarded-For is anyone's to send and must change nothing. */
let direct: TestServer;
beforeAll(async () => {
  [proxied, direct] = await Promise.all([
    startTestServer({ ...LIMITS, MESHID_TRUSTED_PROXIES: '127.0.0.1/32', MESHID_IDENTITY: 'dev', MESHID_DEV_IDENTITY: JSON.stringify({ login: 'alice@example.com', caps: [{ allow_dcr: true }] }) }),
    startTestServer({ ...LIMITS, MESHID_IDENTITY: 'dev', MESHID_DEV_IDENTITY: JSON.stringify({ login: 'alice@example.com', caps: [{ allow_dcr: true }] }) }),
  ]);
}, 60_000);
afterAll(async () => Promise.all([proxied?.close(), direct?.close()]));
afterEach(() => {
  jest.restoreAllMocks();
});

const as = (server: TestServer): oauth.AuthorizationServer => ({ issuer: server.issuer, token_endpoint: `${server.issuer}/token` });

/** A client_credentials request as a relying party library makes it, from `address`. */
function clientCredentials(server: TestServer, clientId: string, secret: string, address: string): Promise<Response> {
  return oauth.clientCredentialsGrantRequest(as(server), { client_id: clientId }, oauth.ClientSecretBasic(secret), {}, {
    [oauth.allowInsecureRequests]: true,
    headers: new Headers({ 'x-forwarded-for': address }),
  });
}

async function machineClient(server: TestServer) {
  const created = await server.createClient({ client_name: 'Machine', grant_types: ['client_credentials'], redirect_uris: [] });
  return { clientId: created.clientId, secret: created.clientSecret! };
}

function post(server: TestServer, path: string, body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${server.issuer}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
}

/** A 429 in the OAuth error shape: Retry-After in seconds (and returned), JSON, no-store. */
async function expectLimited(response: Response): Promise<number> {
  expect(response.status).toBe(429);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('content-type')).toContain('application/json');
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter) && retryAfter > 0).toBe(true);
  expect(await response.json()).toEqual({ error: 'temporarily_unavailable', error_description: `too many requests; retry after ${retryAfter} seconds` });
  return retryAfter;
}

/** Runs the rest of the test with the server's clock `ms` ahead. */
function advanceClock(ms: number): void {
  const realNow = Clock.prototype.now;
  jest.spyOn(Clock.prototype, 'now').mockImplementation(function (this: Clock) {
    return realNow.call(this) + ms;
  });
}

describe('failed client authentications at /token', () => {
  it('locks the guessing address out, whatever client it names, until the window passes, but never the guessed client elsewhere', async () => {
    const victim = await machineClient(proxied);
    const bystander = await machineClient(proxied);
    const guesser = '198.51.100.7';

    for (let i = 0; i < 3; i++) {
      const wrong = await clientCredentials(proxied, victim.clientId, `wrong-secret-${i}`, guesser);
      expect(wrong.status).toBe(401);
      expect(((await wrong.json()) as { error: string }).error).toBe('invalid_client');
    }
    const retryAfter = await expectLimited(await clientCredentials(proxied, victim.clientId, 'wrong-secret-3', guesser));
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // The right secret is refused too from there: a guess that hits must not be told apart.
    await expectLimited(await clientCredentials(proxied, victim.clientId, victim.secret, guesser));
    // The same at the other endpoints that authenticate the client with its secret, and for any client.
    await expectLimited(await post(proxied, '/introspect', 'token=x', { authorization: basic(victim.clientId, victim.secret), 'x-forwarded-for': guesser }));
    await expectLimited(await post(proxied, '/revoke', 'token=x', { authorization: basic(victim.clientId, victim.secret), 'x-forwarded-for': guesser }));
    await expectLimited(await clientCredentials(proxied, bystander.clientId, bystander.secret, guesser));

    // Client ids are public: someone else's guesses must not lock the relying party itself out.
    const own = await clientCredentials(proxied, victim.clientId, victim.secret, '203.0.113.1');
    expect((await oauth.processClientCredentialsResponse(as(proxied), { client_id: victim.clientId }, own)).access_token).toEqual(expect.any(String));

    advanceClock(15 * MINUTE + 1000);
    const again = await clientCredentials(proxied, victim.clientId, victim.secret, guesser);
    expect((await oauth.processClientCredentialsResponse(as(proxied), { client_id: victim.clientId }, again)).access_token).toEqual(expect.any(String));
  });

  it('counts failures at /introspect and /revoke with those of /token, and a success between them resets nothing', async () => {
    const victim = await machineClient(proxied);
    const own = await machineClient(proxied);
    const guesser = '198.51.100.21';
    expect((await post(proxied, '/introspect', 'token=x', { authorization: basic(victim.clientId, 'nope'), 'x-forwarded-for': guesser })).status).toBe(401);
    expect((await post(proxied, '/revoke', 'token=x', { authorization: basic(victim.clientId, 'nope'), 'x-forwarded-for': guesser })).status).toBe(401);
    expect((await clientCredentials(proxied, own.clientId, own.secret, guesser)).status).toBe(200);
    expect((await clientCredentials(proxied, victim.clientId, 'nope', guesser)).status).toBe(401);
    await expectLimited(await clientCredentials(proxied, victim.clientId, victim.secret, guesser));
  });

  it('never believes X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const victim = await machineClient(direct);
    for (let i = 0; i < 3; i++) expect((await clientCredentials(direct, victim.clientId, 'nope', `198.51.100.${100 + i}`)).status).toBe(401);
    // Each request claimed another address: the one counted is the peer's, now locked out.
    const other = await machineClient(direct);
    await expectLimited(await clientCredentials(direct, other.clientId, other.secret, '198.51.100.200'));
  });
});

describe('requests per minute', () => {
  it('limits /token per address, whatever the request', async () => {
    for (let i = 0; i < 8; i++) expect((await post(proxied, '/token', 'grant_type=bogus', { 'x-forwarded-for': '198.51.100.31' })).status).toBe(400);
    await expectLimited(await post(proxied, '/token', 'grant_type=bogus', { 'x-forwarded-for': '198.51.100.31' }));
    expect((await post(proxied, '/token', 'grant_type=bogus', { 'x-forwarded-for': '198.51.100.32' })).status).toBe(400);
  });

  it('limits /token per client that authenticated, from any address, and lets it in again a minute later', async () => {
    const busy = await machineClient(proxied);
    for (let i = 0; i < 8; i++) expect((await clientCredentials(proxied, busy.clientId, busy.secret, `198.51.100.${40 + i}`)).status).toBe(200);
    const retryAfter = await expectLimited(await clientCredentials(proxied, busy.clientId, busy.secret, '198.51.100.49'));
    expect(retryAfter).toBeLessThanOrEqual(60);
    advanceClock(MINUTE);
    expect((await clientCredentials(proxied, busy.clientId, busy.secret, '198.51.100.49')).status).toBe(200);
  });

  it('does not let requests that only name a client spend its budget', async () => {
    const named = await machineClient(proxied);
    for (let i = 0; i < 10; i++) expect((await post(proxied, '/token', `grant_type=bogus&client_id=${named.clientId}`, { 'x-forwarded-for': `198.51.100.${60 + i}` })).status).toBe(400);
    expect((await clientCredentials(proxied, named.clientId, named.secret, '198.51.100.70')).status).toBe(200);
  });

  it('limits /userinfo per address', async () => {
    for (let i = 0; i < 8; i++) expect((await fetch(`${proxied.issuer}/userinfo`, { headers: { 'x-forwarded-for': '198.51.100.80' } })).status).toBe(401);
    await expectLimited(await fetch(`${proxied.issuer}/userinfo`, { headers: { 'x-forwarded-for': '198.51.100.80' } }));
    expect((await fetch(`${proxied.issuer}/userinfo`, { headers: { 'x-forwarded-for': '198.51.100.81' } })).status).toBe(401);
  });
});

describe('dynamic client registration', () => {
  const register = (server: TestServer, address: string, token?: string) =>
    fetch(`${server.issuer}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ redirect_uris: ['https://rp.example/cb'], client_name: 'Flood' }),
    });

  it('answers a flood from one address with 429 once its registrations per hour are used', async () => {
    for (let i = 0; i < 3; i++) expect((await register(proxied, '198.51.100.90')).status).toBe(201);
    const retryAfter = await expectLimited(await register(proxied, '198.51.100.90'));
    expect(retryAfter).toBeGreaterThan(59 * 60);
    expect((await register(proxied, '198.51.100.91')).status).toBe(201);
  });

  it('limits per initial access token too, whichever address presents it', async () => {
    for (let i = 0; i < 3; i++) expect((await register(proxied, `198.51.100.${100 + i}`, 'not-a-real-token')).status).toBe(401);
    await expectLimited(await register(proxied, '198.51.100.110', 'not-a-real-token'));
  });
});

describe('request sizes', () => {
  async function expectTooLarge(response: Response): Promise<void> {
    expect(response.status).toBe(413);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const body = (await response.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
    expect(body['error']).toBe('invalid_request');
  }

  it('refuses an OAuth form or a registration over 64 KiB with 413 JSON no-store', async () => {
    const from = { 'x-forwarded-for': '198.51.100.120' };
    await expectTooLarge(await post(proxied, '/token', `grant_type=client_credentials&pad=${'x'.repeat(65 * 1024)}`, from));
    await expectTooLarge(await post(proxied, '/revoke', `token=${'x'.repeat(65 * 1024)}`, from));
    await expectTooLarge(
      await fetch(`${proxied.issuer}/register`, { method: 'POST', headers: { 'content-type': 'application/json', ...from }, body: JSON.stringify({ redirect_uris: ['https://rp.example/cb'], client_name: 'x'.repeat(65 * 1024) }) }),
    );
    // Just under the limit is read (and refused for what it says, not for its size).
    expect((await post(proxied, '/token', `grant_type=bogus&pad=${'x'.repeat(60 * 1024)}`, from)).status).toBe(400);
  });

  it('keeps 1 MiB for the admin API', async () => {
    const json = (size: number) => JSON.stringify({ client_name: 'x'.repeat(size), redirect_uris: ['https://rp.example/cb'] });
    const admin = (body: string) => fetch(`${direct.issuer}/api/v1/clients`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect((await admin(json(200 * 1024))).status).not.toBe(413);
    await expectTooLarge(await admin(json(1100 * 1024)));
  });

  it('answers headers over 16 KiB with 431 in the OAuth error shape and keeps serving', async () => {
    const response = await fetch(`${direct.issuer}/token`, { method: 'POST', headers: { 'x-padding': 'a'.repeat(20 * 1024) }, body: 'grant_type=bogus' });
    expect(response.status).toBe(431);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: 'the request line and headers are too large' });
    expect((await fetch(`${direct.issuer}/.well-known/openid-configuration`)).status).toBe(200);
  });
});

function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}
