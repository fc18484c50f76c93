import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { EVENT_STORE, type EventStore, formatPosition } from '#event-store';
import { Browser, formField } from './support/browser.js';
import { startTestServer, type TestServer } from './support/test-server.js';

// Browser sessions end to end, with openid-client as the relying party: the `sid` claim, one
// session per browser, RP-initiated logout that revokes the session's grants, the logout
// confirmation page, and the consent page.
const CALLBACK = 'http://127.0.0.1:9999/callback';
const LOGGED_OUT = 'http://127.0.0.1:9999/logged-out';
const DEV_IDENTITY = JSON.stringify({ login: 'alice@example.com', name: 'Alice Example' });

let meshid: TestServer;
let config: oidc.Configuration;
let store: EventStore;
const verifier = oidc.randomPKCECodeVerifier();

beforeAll(async () => {
  meshid = await startTestServer({ MESHID_DEV_IDENTITY: DEV_IDENTITY });
  store = meshid.server.app.get<EventStore>(EVENT_STORE);
  const { clientId, clientSecret } = await meshid.createClient({ client_name: 'Grafana', redirect_uris: [CALLBACK], post_logout_redirect_uris: [LOGGED_OUT] });
  config = await oidc.discovery(new URL(meshid.issuer), clientId, clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
});
afterAll(async () => meshid?.close());

async function authorizeUrl(params: Record<string, string> = {}): Promise<URL> {
  return oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: 'openid profile offline_access',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: 'st-1',
    ...params,
  });
}

async function redeem(callback: URL) {
  return oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'st-1' });
}

/** Signs in through /authorize in `browser` and redeems the code. */
async function signIn(browser: Browser, params: Record<string, string> = {}) {
  const response = await browser.fetch(await authorizeUrl(params));
  expect(response.status).toBe(303);
  return redeem(new URL(response.headers.get('location')!));
}

/** A hidden field of the page's form, unescaped. */

async function head(): Promise<string> {
  for await (const event of store.readAll({ direction: 'backwards', maxCount: 1 })) return formatPosition(event.position);
  return 'empty';
}

async function expectPage(response: Response, status: number, text: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get('location')).toBeNull();
  expect(response.headers.get('content-type')).toContain('text/html');
  expect(await response.text()).toContain(text);
}

const isActive = async (token: string) => (await oidc.tokenIntrospection(config, token)).active;

describe('browser sessions', () => {
  it('puts sid in the ID token, also on refresh, and reuses the session within one browser', async () => {
    const browser = new Browser(meshid.issuer);
    const first = await signIn(browser);
    const sid = first.claims()!['sid'];
    expect(typeof sid).toBe('string');
    expect(browser.cookie).toMatch(/^meshid_session=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(browser.cookie).toContain(`=${String(sid)}.`);

    const second = await signIn(browser);
    expect(second.claims()!['sid']).toBe(sid);
    const refreshed = await oidc.refreshTokenGrant(config, second.refresh_token!);
    expect(refreshed.claims()!['sid']).toBe(sid);

    expect((await signIn(new Browser(meshid.issuer))).claims()!['sid']).not.toBe(sid);
    // prompt=login starts a new session rather than reusing the cookie's.
    const again = await signIn(browser, { prompt: 'login' });
    expect(again.claims()!['sid']).not.toBe(sid);
  });

  it('sets the cookie HttpOnly, SameSite=Lax, Path=/ (not Secure on an http issuer)', async () => {
    const response = await fetch(await authorizeUrl(), { redirect: 'manual' });
    const [cookie] = response.headers.getSetCookie();
    expect(cookie).toMatch(/^meshid_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);
  });
});

describe('RP-initiated logout', () => {
  it('with an id_token_hint ends the session and revokes all its grants before answering', async () => {
    const browser = new Browser(meshid.issuer);
    const tokens = await signIn(browser);
    const other = await signIn(browser);
    const elsewhere = await signIn(new Browser(meshid.issuer));
    expect(await isActive(tokens.refresh_token!)).toBe(true);

    const response = await browser.fetch(oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: LOGGED_OUT, state: 'bye' }));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${LOGGED_OUT}?state=bye`);
    expect(response.headers.getSetCookie()[0]).toMatch(/^meshid_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(browser.cookie).toBeNull();

    for (const grant of [tokens, other]) {
      await expect(oidc.refreshTokenGrant(config, grant.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
      expect(await isActive(grant.refresh_token!)).toBe(false);
      expect(await isActive(grant.access_token)).toBe(false);
    }
    // Another browser's session is not touched.
    expect(await isActive(elsewhere.refresh_token!)).toBe(true);
    // Logging out again is harmless, and the next sign-in in this browser gets a new session.
    expect((await browser.fetch(oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token! }))).status).toBe(200);
    expect((await signIn(browser)).claims()!['sid']).not.toBe(tokens.claims()!['sid']);
  });

  it('without a hint asks for confirmation and ends the session only on the POST with its CSRF token', async () => {
    const browser = new Browser(meshid.issuer);
    const tokens = await signIn(browser);
    const page = await browser.fetch(`${meshid.issuer}/end-session?${new URLSearchParams({ client_id: config.clientMetadata().client_id, post_logout_redirect_uri: LOGGED_OUT, state: 's&1' })}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Sign out of meshid?');
    const token = formField(html, 'confirm_token');
    expect(formField(html, 'state')).toBe('s&1');
    expect(await isActive(tokens.refresh_token!)).toBe(true);

    const before = await head();
    // A GET carrying the token (a link anyone could send) only shows the page again.
    expect((await browser.fetch(`${meshid.issuer}/end-session?confirm_token=${token}`)).status).toBe(200);
    await expectPage(await browser.post('/end-session', { confirm_token: 'A'.repeat(43) }), 400, 'not valid');
    await expectPage(await browser.post('/end-session', { confirm_token: `${token}x` }), 400, 'not valid');
    await expectPage(await browser.post('/end-session', { confirm_token: [token, token] }), 400, 'more than once');
    // Without the cookie there is no session to end: the token alone is worth nothing.
    await expectPage(await new Browser(meshid.issuer).post('/end-session', { confirm_token: token }), 200, 'no meshid sign-in session');
    // Another browser's session has another token.
    const stranger = new Browser(meshid.issuer);
    await signIn(stranger);
    await expectPage(await browser.post('/end-session', { confirm_token: formField(await (await stranger.fetch(`${meshid.issuer}/end-session`)).text(), 'confirm_token') }), 400, 'not valid');
    expect(await isActive(tokens.refresh_token!)).toBe(true);
    const afterStranger = await head();
    expect(afterStranger).not.toBe(before); // the stranger's sign-in wrote; the refusals did not:
    await expectPage(await browser.post('/end-session', { confirm_token: 'nope' }), 400, 'not valid');
    expect(await head()).toBe(afterStranger);

    const done = await browser.post('/end-session', { confirm_token: token, client_id: config.clientMetadata().client_id, post_logout_redirect_uri: LOGGED_OUT, state: 's&1' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`${LOGGED_OUT}?state=s%261`);
    expect(browser.cookie).toBeNull();
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});

describe('prompt=consent', () => {
  async function consentPage(browser: Browser): Promise<string> {
    const response = await browser.fetch(await authorizeUrl({ prompt: 'consent', scope: 'openid profile email' }));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Allow Grafana?');
    expect(html).toContain('alice@example.com');
    expect(html).toContain('Your name, username and picture');
    expect(html).toContain('Your email address');
    expect(html).toContain(`action="${meshid.issuer}/authorize/consent"`);
    return formField(html, 'consent_token');
  }

  it('Allow issues the code as /authorize would, with the session', async () => {
    const browser = new Browser(meshid.issuer);
    const token = await consentPage(browser);
    const response = await browser.post('/authorize/consent', { consent_token: token, decision: 'allow' });
    expect(response.status).toBe(303);
    const tokens = await redeem(new URL(response.headers.get('location')!));
    expect(tokens.claims()).toMatchObject({ sub: 'dev:alice@example.com', sid: expect.any(String) });
    expect(tokens.scope).toBe('openid profile email');
  });

  it('Deny redirects with access_denied, the state and iss', async () => {
    const browser = new Browser(meshid.issuer);
    const response = await browser.post('/authorize/consent', { consent_token: await consentPage(browser), decision: 'deny' });
    expect(response.status).toBe(303);
    const back = new URL(response.headers.get('location')!);
    expect(Object.fromEntries(back.searchParams)).toMatchObject({ error: 'access_denied', state: 'st-1', iss: meshid.issuer });
    expect(back.searchParams.has('code')).toBe(false);
  });

  it('refuses a tampered, foreign, missing, repeated or oversized token with a page, writing nothing', async () => {
    const browser = new Browser(meshid.issuer);
    const token = await consentPage(browser);
    const [body, mac] = token.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    const widened = `${Buffer.from(JSON.stringify({ ...payload, scope: ['openid', 'groups'] })).toString('base64url')}.${mac}`;
    const stranger = new Browser(meshid.issuer);
    await signIn(stranger);
    const before = await head();
    const cases: Array<[Browser, Record<string, string | string[]>, string]> = [
      [browser, { consent_token: widened, decision: 'allow' }, 'not valid'],
      [browser, { consent_token: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, decision: 'allow' }, 'not valid'],
      [browser, { consent_token: body!, decision: 'allow' }, 'not valid'],
      [stranger, { consent_token: token, decision: 'allow' }, 'another sign-in session'],
      [new Browser(meshid.issuer), { consent_token: token, decision: 'deny' }, 'another sign-in session'],
      [browser, { decision: 'allow' }, 'no consent_token'],
      [browser, { consent_token: token }, 'allow or deny'],
      [browser, { consent_token: token, decision: 'maybe' }, 'allow or deny'],
      [browser, { consent_token: [token, token], decision: 'allow' }, 'more than once'],
      [browser, { consent_token: token, decision: ['allow', 'deny'] }, 'more than once'],
      [browser, { consent_token: `${token}${'x'.repeat(20_000)}`, decision: 'allow' }, 'not valid'],
    ];
    for (const [who, form, text] of cases) await expectPage(await who.post('/authorize/consent', form), 400, text);
    // A JSON body is not a form: it reads as empty.
    const json = await browser.fetch(`${meshid.issuer}/authorize/consent`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ consent_token: token, decision: 'allow' }) });
    await expectPage(json, 400, 'no consent_token');
    expect(await head()).toBe(before);
    // The genuine token still works after all that.
    expect((await browser.post('/authorize/consent', { consent_token: token, decision: 'allow' })).status).toBe(303);
  });

  it('prompt=none never shows a page', async () => {
    const response = await new Browser(meshid.issuer).fetch(await authorizeUrl({ prompt: 'none' }));
    expect(response.status).toBe(303);
    expect(new URL(response.headers.get('location')!).searchParams.get('code')).toBeTruthy();
  });
});
