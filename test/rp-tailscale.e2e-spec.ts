import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import * as jose from 'jose';
import * as oidc from 'openid-client';
import { CreateAccountCommand } from '../src/accounts/commands/create-account.command.js';
import { SetPasswordCommand } from '../src/accounts/commands/set-password.command.js';
import { ProjectionsService } from '../src/storage/projections.service.js';
import { Browser, formField } from './support/browser.js';
import { startTestServer, type TestServer } from './support/test-server.js';

// Tailscale's custom-OIDC sign-up (reference/relying-parties.md §1.2), replayed: the sign-up form
// takes the admin's address, asks WebFinger on the mail domain for the issuer, discovers it, and
// sends the person to /authorize with the prompt chosen in the form (default consent), scope
// `openid profile email`, no PKCE; the code comes back to login.tailscale.com and is redeemed with
// client_secret_basic; the ID token must be RS256 (RSA ≥ 2048) or ES256, and its `email` is the
// address the tailnet is created for. Verified by docs/tailscale.md.
const ADMIN = 'alice@example.com';
const CALLBACK = 'https://login.tailscale.com/a/oauth_response';
const CALLBACK_CONTROLPLANE = 'https://controlplane.tailscale.com/a/oauth_response';
const ISSUER_REL = 'http://openid.net/specs/connect/1.0/issuer';
const INSECURE = { execute: [oidc.allowInsecureRequests] };

let meshid: TestServer;
let client: { clientId: string; clientSecret?: string };
beforeAll(async () => {
  // meshid signs in everyone at example.com, so WebFinger answers for the admin before any sign-in.
  meshid = await startTestServer({ MESHID_DEV_IDENTITY: JSON.stringify({ login: ADMIN, name: 'Alice Admin' }), MESHID_WEBFINGER_DOMAINS: 'example.com' });
  client = await meshid.createClient({ client_name: 'Tailscale', redirect_uris: [CALLBACK, CALLBACK_CONTROLPLANE], token_endpoint_auth_method: 'client_secret_basic' });
});
afterAll(async () => meshid?.close());

/** Step 1 of the sign-up form: `GET https://<mail domain>/.well-known/webfinger?resource=acct:<email>&rel=…`, here served by meshid itself. */
async function issuerFor(email: string, server: TestServer = meshid): Promise<string> {
  const query = new URLSearchParams({ resource: `acct:${email}`, rel: ISSUER_REL });
  const response = await fetch(`${server.issuer}/.well-known/webfinger?${query}`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/jrd+json');
  expect(response.headers.get('access-control-allow-origin')).toBe('*');
  const jrd = (await response.json()) as { subject: string; links: Array<{ rel: string; href: string }> };
  expect(jrd).toEqual({ subject: `acct:${email}`, links: [{ rel: ISSUER_REL, href: expect.any(String) }] });
  return jrd.links[0]!.href;
}

/** The person's browser: /authorize, the consent page, Allow, and the redirect back to Tailscale. */
async function signUpInBrowser(url: URL): Promise<URL> {
  const browser = new Browser(meshid.issuer);
  const page = await browser.fetch(url);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  const html = await page.text();
  expect(html).toContain('Allow Tailscale?');
  expect(html).toContain(ADMIN);
  const answer = await browser.post('/authorize/consent', { consent_token: formField(html, 'consent_token'), decision: 'allow' });
  expect(answer.status).toBe(303);
  return new URL(answer.headers.get('location')!);
}

describe('Tailscale custom-OIDC sign-up against meshid', () => {
  it('signs the admin up: WebFinger, discovery, prompt=consent, no PKCE, client_secret_basic, RS256 ID token with the acct: email', async () => {
    const href = await issuerFor(ADMIN);
    expect(href).toBe(meshid.issuer);

    const config = await oidc.discovery(new URL(href), client.clientId, undefined, oidc.ClientSecretBasic(client.clientSecret!), INSECURE);
    expect(config.serverMetadata().issuer).toBe(href);

    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid profile email', prompt: 'consent', state, nonce });
    expect(url.searchParams.has('code_challenge')).toBe(false);
    const callback = await signUpInBrowser(url);
    expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);

    const tokens = await oidc.authorizationCodeGrant(config, callback, { expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    const claims = tokens.claims()!;
    expect(claims.email).toBe(ADMIN);
    expect(claims.email_verified).toBe(true);
    expect(claims.aud).toBe(client.clientId);

    // Signed RS256 or ES256, and an RSA key of at least 2048 bits (no EdDSA, no HS256).
    const header = jose.decodeProtectedHeader(tokens.id_token!);
    expect(['RS256', 'ES256']).toContain(header.alg);
    const jwks = (await (await fetch(config.serverMetadata().jwks_uri!)).json()) as { keys: Array<jose.JWK & { kid: string }> };
    const key = jwks.keys.find((candidate) => candidate.kid === header.kid)!;
    expect(key).toBeDefined();
    if (header.alg === 'RS256') expect(Buffer.from(key.n!, 'base64url').length * 8).toBeGreaterThanOrEqual(2048);
    await jose.jwtVerify(tokens.id_token!, jose.createLocalJWKSet(jwks), { issuer: href, audience: client.clientId });
  });

  it('asks again on every prompt=consent, and takes the second redirect URI some guides list', async () => {
    const config = await oidc.discovery(new URL(meshid.issuer), client.clientId, undefined, oidc.ClientSecretBasic(client.clientSecret!), INSECURE);
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK_CONTROLPLANE, scope: 'openid profile email', prompt: 'consent', state });
    const callback = await signUpInBrowser(url);
    expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK_CONTROLPLANE);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { expectedState: state, idTokenExpected: true });
    expect(tokens.claims()!.email).toBe(ADMIN);
  });

  it('takes the other prompts of the sign-up form: login and select_account sign in, none answers without a page', async () => {
    const config = await oidc.discovery(new URL(meshid.issuer), client.clientId, undefined, oidc.ClientSecretBasic(client.clientSecret!), INSECURE);
    for (const prompt of ['login', 'select_account', 'none']) {
      const state = oidc.randomState();
      const response = await fetch(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid profile email', prompt, state }), { redirect: 'manual' });
      expect(response.status).toBe(303);
      const tokens = await oidc.authorizationCodeGrant(config, new URL(response.headers.get('location')!), { expectedState: state, idTokenExpected: true });
      expect(tokens.claims()!.email).toBe(ADMIN);
    }
  });

  it('signs up a new tailnet whose admin has a local account: WebFinger by the verified email, /login, consent, code', async () => {
    // No network identity and no dev identity: the admin is outside any tailnet (there is none yet).
    const accounts = await startTestServer({ MESHID_IDENTITY: 'account' });
    try {
      const bus = accounts.server.app.get(CommandBus);
      const context = { actor: 'test', correlationId: 'rp-tailscale' };
      const email = 'founder@newco.example';
      const created = await bus.execute(new CreateAccountCommand({ login: 'founder', name: 'Fay Founder', email, emailVerified: true }, context));
      const { position } = await bus.execute(new SetPasswordCommand(created.accountId, 'founder password 1', context));
      await accounts.server.app.get(ProjectionsService).waitFor(position, 5000);
      const tailscale = await accounts.createClient({ client_name: 'Tailscale', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'client_secret_basic' });

      const href = await issuerFor(email, accounts);
      expect(href).toBe(accounts.issuer);
      const config = await oidc.discovery(new URL(href), tailscale.clientId, undefined, oidc.ClientSecretBasic(tailscale.clientSecret!), INSECURE);
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid profile email', prompt: 'consent', state, nonce });
      expect(url.searchParams.has('code_challenge')).toBe(false);

      // The browser: /authorize → /login → back to /authorize (prompt=consent kept) → consent page → Allow.
      const browser = new Browser(accounts.issuer);
      const toLogin = await browser.fetch(url);
      expect(toLogin.status).toBe(303);
      const login = new URL(toLogin.headers.get('location')!, accounts.issuer);
      expect(login.pathname).toBe('/login');
      const loginPage = await (await browser.fetch(login)).text();
      expect(loginPage).toContain('Sign in to Tailscale');
      const signedIn = await browser.post('/login', { csrf: formField(loginPage, 'csrf'), return_to: formField(loginPage, 'return_to'), login: 'founder', password: 'founder password 1' });
      expect(signedIn.status).toBe(303);
      const back = new URL(signedIn.headers.get('location')!, accounts.issuer);
      expect(back.pathname).toBe('/authorize');
      expect(back.searchParams.get('prompt')).toBe('consent');
      const consent = await browser.fetch(back);
      expect(consent.status).toBe(200);
      const html = await consent.text();
      expect(html).toContain('Allow Tailscale?');
      expect(html).toContain('founder');
      const answer = await browser.post('/authorize/consent', { consent_token: formField(html, 'consent_token'), decision: 'allow' });
      expect(answer.status).toBe(303);
      const callback = new URL(answer.headers.get('location')!);
      expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);

      const tokens = await oidc.authorizationCodeGrant(config, callback, { expectedState: state, expectedNonce: nonce, idTokenExpected: true });
      const claims = tokens.claims()!;
      expect(claims.sub).toBe(created.subject);
      expect(claims.email).toBe(email);
      expect(claims.email_verified).toBe(true);
      expect(claims.aud).toBe(tailscale.clientId);
      expect(['RS256', 'ES256']).toContain(jose.decodeProtectedHeader(tokens.id_token!).alg);
    } finally {
      await accounts.close();
    }
  });

  it('finds no issuer for an address at a domain meshid does not sign in', async () => {
    const query = new URLSearchParams({ resource: 'acct:alice@elsewhere.example', rel: ISSUER_REL });
    expect((await fetch(`${meshid.issuer}/.well-known/webfinger?${query}`)).status).toBe(404);
  });
});
