import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import * as jose from 'jose';
import { CreateAccountCommand } from '../src/accounts/commands/create-account.command.js';
import { SetPasswordCommand } from '../src/accounts/commands/set-password.command.js';
import { CreateClientCommand } from '../src/clients/commands/create-client.command.js';
import { ProjectionsService } from '../src/storage/projections.service.js';
import { Browser, formField } from './support/browser.js';
import { startTestServer, type TestServer } from './support/test-server.js';

// Headscale's OIDC login, replayed as hscontrol/oidc.go does it with go-oidc and x/oauth2
// (reference/relying-parties.md §1.1): discovery whose issuer must be byte-equal, an authorize
// URL with 64-hex state and nonce plus extra_params, a token call by x/oauth2's AutoDetect (Basic
// with url.QueryEscape'd id and secret, then on any error the same request with the credentials
// in the body), go-oidc's ID token checks, Headscale's own nonce check, userinfo merged only when
// its sub matches, and the username, email and groups rules it applies. Verified by docs/headscale.md.
const SERVER_URL = 'https://headscale.example.com';
const CALLBACK = `${SERVER_URL}/oidc/callback`;
/** A login whose local part must be cleaned up into a name Headscale accepts. */
const PERSON = { login: 'Alice.Smith+work@example.com', name: 'Alice Smith', groups: ['headscale', 'eng'] };
/** What `meshid clients create` accepts as an imported id: only characters QueryEscape keeps. */
const CLIENT_ID = 'headscale_prod.example-1';
/** A secret full of characters QueryEscape escapes, which a server that does not URL-decode Basic gets wrong. */
const CLIENT_SECRET = `s+cr3t/with:colon%and=equals&amp~!*'()${randomBytes(12).toString('hex')}`;

let meshid: TestServer;
beforeAll(async () => {
  meshid = await startTestServer({ MESHID_DEV_IDENTITY: JSON.stringify(PERSON) });
  const metadata = { client_name: 'Headscale', redirect_uris: [CALLBACK], scope: 'openid profile email groups' };
  const created = await meshid.server.app.get(CommandBus).execute(new CreateClientCommand(metadata, { actor: 'test', correlationId: 'test' }, CLIENT_ID, CLIENT_SECRET));
  await meshid.server.app.get(ProjectionsService).waitFor(created.position, 5000);
});
afterAll(async () => meshid?.close());

/** Go's url.QueryEscape: only A-Z a-z 0-9 - _ . ~ stay, a space is '+'. */
function goQueryEscape(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** Go's url.Values.Encode: keys sorted, QueryEscape'd. */
function goValuesEncode(values: Record<string, string>): string {
  return Object.keys(values)
    .sort()
    .map((key) => `${goQueryEscape(key)}=${goQueryEscape(values[key]!)}`)
    .join('&');
}

/** Headscale's util.ValidateUsername: 2+ chars, a letter first, letters digits - . _ and at most one @. */
function headscaleAcceptsUsername(username: string): boolean {
  return username.length >= 2 && /^\p{L}/u.test(username) && /^[\p{L}\p{Nd}\-._@]+$/u.test(username) && (username.match(/@/g) ?? []).length <= 1;
}

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string;
  jwks_uri: string;
  id_token_signing_alg_values_supported: string[];
}

/** go-oidc NewProvider: the document at <issuer>/.well-known/openid-configuration, issuer compared byte for byte. */
async function newProvider(issuer: string): Promise<Discovery> {
  const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  expect(response.status).toBe(200);
  const document = (await response.json()) as Discovery;
  expect(document.issuer).toBe(issuer);
  return document;
}

/** x/oauth2 Exchange with AuthStyleAutoDetect, one attempt in the given style. */
function exchange(provider: Discovery, code: string, style: 'header' | 'params', secret = CLIENT_SECRET, extra: Record<string, string> = {}) {
  const body: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, ...extra };
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (style === 'header') headers['authorization'] = `Basic ${Buffer.from(`${goQueryEscape(CLIENT_ID)}:${goQueryEscape(secret)}`).toString('base64')}`;
  else Object.assign(body, { client_id: CLIENT_ID, client_secret: secret });
  return fetch(provider.token_endpoint, { method: 'POST', headers, body: goValuesEncode(body) });
}

/** Headscale's authHandler: state and nonce of 64 hex characters, extra_params, the browser follows to the callback. */
async function authorize(provider: Discovery, extras: Record<string, string> = {}) {
  const state = randomBytes(32).toString('hex');
  const nonce = randomBytes(32).toString('hex');
  const query = goValuesEncode({ client_id: CLIENT_ID, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid profile email groups', state, nonce, ...extras });
  const response = await fetch(`${provider.authorization_endpoint}?${query}`, { redirect: 'manual' });
  expect(response.status).toBe(303);
  const callback = new URL(response.headers.get('location')!);
  expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
  // Headscale compares the state with its cookie before anything else.
  expect(callback.searchParams.get('state')).toBe(state);
  return { code: callback.searchParams.get('code')!, nonce };
}

/** go-oidc's IDTokenVerifier (signature by the JWKS, iss, aud contains client_id, exp), then Headscale's nonce check. */
async function verifyIdToken(provider: Discovery, idToken: string, nonce: string) {
  const algorithms = provider.id_token_signing_alg_values_supported.filter((alg) => /^(RS|ES|PS)(256|384|512)$|^EdDSA$/.test(alg));
  const { payload } = await jose.jwtVerify(idToken, jose.createRemoteJWKSet(new URL(provider.jwks_uri)), {
    issuer: provider.issuer,
    audience: CLIENT_ID,
    algorithms: algorithms.length > 0 ? algorithms : ['RS256'],
  });
  expect(payload.nonce).toBeDefined();
  expect(payload.nonce).toBe(nonce);
  return payload;
}

describe('Headscale (hscontrol/oidc.go) against meshid', () => {
  it('logs a node in: discovery, authorize with extra params, AutoDetect token call, ID token, userinfo, claim rules', async () => {
    const provider = await newProvider(meshid.issuer);
    for (const field of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint'] as const) expect(provider[field]).toMatch(/^http/);
    // extra_params go verbatim to /authorize; meshid must ignore what it does not know.
    const { code, nonce } = await authorize(provider, { domain_hint: 'example.com', access_type: 'offline' });

    const response = await exchange(provider, code, 'header');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const token = (await response.json()) as { access_token: string; id_token?: string; token_type: string };
    expect(token.access_token).not.toBe('');
    expect(token.token_type.toLowerCase()).toBe('bearer');
    expect(token.id_token).toBeDefined();
    const claims = await verifyIdToken(provider, token.id_token!, nonce);

    const userinfoResponse = await fetch(provider.userinfo_endpoint, { headers: { authorization: `Bearer ${token.access_token}` } });
    expect(userinfoResponse.status).toBe(200);
    expect(userinfoResponse.headers.get('content-type')).toMatch(/^application\/json/);
    const userinfo = (await userinfoResponse.json()) as Record<string, unknown>;
    // Headscale merges userinfo only when its sub is the ID token's.
    expect(userinfo['sub']).toBe(claims.sub);
    const merged = { ...claims, ...userinfo };

    expect(merged['email']).toBe(PERSON.login);
    expect(merged['email_verified']).toBe(true);
    expect(Array.isArray(merged['groups']) && (merged['groups'] as unknown[]).every((g) => typeof g === 'string')).toBe(true);
    expect(merged['groups']).toEqual(PERSON.groups);
    expect(merged['name']).toBe(PERSON.name);
    expect(merged['preferred_username']).toBe('alice.smith-work');
    expect(headscaleAcceptsUsername(merged['preferred_username'] as string)).toBe(true);

    // doOIDCAuthorization with allowed_groups [headscale], allowed_domains [example.com] and
    // email_verified_required: exact, case-sensitive comparisons on what meshid sent.
    const email = merged['email'] as string;
    expect((merged['groups'] as string[]).includes('headscale')).toBe(true);
    expect(email.slice(email.lastIndexOf('@') + 1)).toBe('example.com');
  });

  it('keeps the code when the Basic attempt fails, so the AutoDetect retry with the secret in the body succeeds', async () => {
    const provider = await newProvider(meshid.issuer);
    const { code, nonce } = await authorize(provider);
    // The first attempt fails: here the Basic credentials of a client that did not escape them
    // (`+` reads as a space, `%an` is no escape), refused as invalid_client.
    const unescaped = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
    const failed = await fetch(provider.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: unescaped },
      body: goValuesEncode({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK }),
    });
    expect(failed.status).toBe(401);
    expect(await failed.json()).toMatchObject({ error: 'invalid_client' });

    const retried = await exchange(provider, code, 'params');
    expect(retried.status).toBe(200);
    const token = (await retried.json()) as { id_token: string };
    await verifyIdToken(provider, token.id_token, nonce);
  });

  it('keeps the code after a wrong secret too, and still redeems it only once', async () => {
    const provider = await newProvider(meshid.issuer);
    const { code } = await authorize(provider);
    expect((await exchange(provider, code, 'header', 'not-the-secret-at-all-0123456789abcdef')).status).toBe(401);
    expect((await exchange(provider, code, 'params')).status).toBe(200);
    const replay = await exchange(provider, code, 'header');
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('works with pkce.enabled: S256 with access_type=offline, the verifier sent with the code', async () => {
    const provider = await newProvider(meshid.issuer);
    // oauth2.GenerateVerifier: 32 random bytes, base64url; S256ChallengeOption.
    const verifier = randomBytes(32).toString('base64url');
    const challenge = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))).toString('base64url');
    const { code, nonce } = await authorize(provider, { access_type: 'offline', code_challenge: challenge, code_challenge_method: 'S256' });
    const response = await exchange(provider, code, 'header', CLIENT_SECRET, { code_verifier: verifier });
    expect(response.status).toBe(200);
    const token = (await response.json()) as { id_token: string; refresh_token?: string };
    await verifyIdToken(provider, token.id_token, nonce);
    // access_type=offline is Google's, not a scope: Headscale asked for no offline_access.
    expect(token.refresh_token).toBeUndefined();
  });
  it('logs in a person with a local account (password): the account groups as `groups`, the login as a valid username', async () => {
    const accounts = await startTestServer({ MESHID_IDENTITY: 'account' });
    try {
      const bus = accounts.server.app.get(CommandBus);
      const projections = accounts.server.app.get(ProjectionsService);
      const context = { actor: 'test', correlationId: 'rp-headscale' };
      const client = await bus.execute(new CreateClientCommand({ client_name: 'Headscale', redirect_uris: [CALLBACK], scope: 'openid profile email groups' }, context, CLIENT_ID, CLIENT_SECRET));
      await projections.waitFor(client.position, 5000);
      const account = { login: 'bob.jones', name: 'Bob Jones', email: 'bob@example.com', emailVerified: true, groups: ['headscale', 'ops-team'] };
      const created = await bus.execute(new CreateAccountCommand(account, context));
      await projections.waitFor((await bus.execute(new SetPasswordCommand(created.accountId, 'bobs own password', context))).position, 5000);

      const provider = await newProvider(accounts.issuer);
      const state = randomBytes(32).toString('hex');
      const nonce = randomBytes(32).toString('hex');
      const query = goValuesEncode({ client_id: CLIENT_ID, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid profile email groups', state, nonce });
      const browser = new Browser(accounts.issuer);
      const toLogin = await browser.fetch(`${provider.authorization_endpoint}?${query}`);
      expect(toLogin.status).toBe(303);
      const login = new URL(toLogin.headers.get('location')!, accounts.issuer);
      expect(login.pathname).toBe('/login');
      const page = await (await browser.fetch(login)).text();
      const signedIn = await browser.post('/login', { csrf: formField(page, 'csrf'), return_to: formField(page, 'return_to'), login: account.login, password: 'bobs own password' });
      expect(signedIn.status).toBe(303);
      const back = await browser.fetch(signedIn.headers.get('location')!);
      expect(back.status).toBe(303);
      const callback = new URL(back.headers.get('location')!);
      expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
      expect(callback.searchParams.get('state')).toBe(state);

      const response = await exchange(provider, callback.searchParams.get('code')!, 'header');
      expect(response.status).toBe(200);
      const token = (await response.json()) as { access_token: string; id_token: string };
      const claims = await verifyIdToken(provider, token.id_token, nonce);
      const userinfo = (await (await fetch(provider.userinfo_endpoint, { headers: { authorization: `Bearer ${token.access_token}` } })).json()) as Record<string, unknown>;
      expect(userinfo['sub']).toBe(claims.sub);
      expect(claims.sub).toBe(created.subject);
      for (const source of [claims as Record<string, unknown>, userinfo]) {
        expect(source['groups']).toEqual(account.groups);
        expect(source['preferred_username']).toBe(account.login);
        expect(source['email']).toBe(account.email);
        expect(source['email_verified']).toBe(true);
      }
      expect(headscaleAcceptsUsername(claims['preferred_username'] as string)).toBe(true);
    } finally {
      await accounts.close();
    }
  });
});
